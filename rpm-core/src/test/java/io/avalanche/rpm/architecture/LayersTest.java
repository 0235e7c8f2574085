package io.avalanche.rpm.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** rpm-core's packages form layers that read bottom-up: no reference points to a package at the same or a higher layer. */
class LayersTest {
    /** Bottom-up; packages on one layer may not refer to each other. */
    static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("", 0),
            Map.entry("format", 1),
            Map.entry("pgp", 2), Map.entry("elf", 2), Map.entry("manifest", 2),
            Map.entry("sign", 3), Map.entry("verify", 3),
            Map.entry("write", 4),
            Map.entry("store", 5), Map.entry("yum", 5),
            Map.entry("publish", 6),
            Map.entry("validate", 7), Map.entry("release.builder", 7), Map.entry("lifecycle", 7),
            Map.entry("release", 8));
    private static final Path MAIN = Path.of("src/main/java/io/avalanche/rpm");
    private static final Pattern REF = Pattern.compile("\\bio\\.avalanche\\.rpm\\.((?:[a-z]+\\.)*)[A-Z]");

    @Test
    void everyPackageHasALayerAndNoArrowPointsUp() throws IOException {
        List<String> up = new ArrayList<>();
        TreeSet<String> unknown = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = MAIN.relativize(f.getParent() == null ? MAIN : f.getParent()).toString()
                        .replace('/', '.');
                if (!LAYER.containsKey(from)) {
                    unknown.add(from);
                    continue;
                }
                Matcher m = REF.matcher(code(Files.readString(f)));
                while (m.find()) {
                    String to = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1);
                    if (to.equals(from)) {
                        continue;
                    }
                    Integer target = LAYER.get(to);
                    if (target == null) {
                        unknown.add(to);
                    } else if (target >= LAYER.get(from)) {
                        up.add(MAIN.relativize(f) + " -> " + (to.isEmpty() ? "(root)" : to));
                    }
                }
            }
        }
        assertThat(unknown).as("packages without a layer in LayersTest.LAYER").isEmpty();
        assertThat(new TreeSet<>(up)).as("references to the same or a higher layer").isEmpty();
    }

    @Test
    void noPackageIsNamedBuild() {
        assertThat(MAIN.resolve("build")).doesNotExist();
    }

    /** The source without comments and string literals (a doc comment may name any class). */
    static String code(String src) {
        StringBuilder b = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '"' || c == '\'') {
                if (c == '"' && src.startsWith("\"\"\"", i)) {
                    int end = src.indexOf("\"\"\"", i + 3);
                    i = end < 0 ? n : end + 3;
                    continue;
                }
                i++;
                while (i < n && src.charAt(i) != c) {
                    i += src.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
