package io.avalanche.rpm.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.manifest.ReleaseManifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A release directory read for publishing: its packages (headers parsed), its key file and release.json's digests. */
record ReleaseScan(Path dir, List<Scanned> files, Map<String, String> manifest) {

    /** A file of the release directory: where it goes, its size, its parsed headers (null: the key file). */
    record Scanned(Path file, String key, long size, RpmPackage rpm) {
    }

    List<Path> rpms() {
        return files.stream().filter(f -> f.rpm() != null).map(Scanned::file).toList();
    }

    /** release.json records a SHA-256 for every package: the checksum its upload can declare before it is read. */
    boolean declaresEveryPackage() {
        return files.stream().filter(f -> f.rpm() != null).allMatch(f -> {
            String d = manifest.get(PathNames.name(f.file()));
            return d != null && d.matches("[0-9a-fA-F]{64}");
        });
    }

    /** The repository directories the packages go to. */
    List<String> dirs(Layout layout) {
        return files.stream().filter(f -> f.rpm() != null).map(f -> layout.archDir(f.rpm().arch())).distinct().toList();
    }

    /** The key file, or null when the release directory has none. */
    Scanned keyFile() {
        return files.stream().filter(f -> f.rpm() == null).findFirst().orElse(null);
    }

    /** The SHA-256 release.json records for a file (null: none). */
    String declared(Path file) {
        return manifest.get(PathNames.name(file));
    }

    /** Why a file's SHA-256 disagrees with release.json, and how to fix it. */
    String mismatch(Path file, String actual, String declared) {
        return file + " has SHA-256 " + actual + " but " + dir.resolve(ReleaseManifest.FILE_NAME) + " records "
                + declared + " for it: the file changed after the release was built or signed. Rebuild the release, "
                + "or re-sign it with rpm-release sign (which updates " + ReleaseManifest.FILE_NAME + "). Nothing was "
                + "uploaded.";
    }

    /** Reads {@code dir}: every *.rpm (headers parsed, arch and name checked), the key file, release.json. */
    static ReleaseScan of(Path dir, Layout layout, Consumer<String> log) {
        if (!Files.isDirectory(dir)) {
            throw new PublishException(dir + ": not a release directory (expected RPMs, " + ReleaseManifest.KEY_FILE
                    + ", " + ReleaseManifest.FILE_NAME + ")");
        }
        List<Path> rpms;
        try (Stream<Path> s = Files.list(dir)) {
            rpms = s.filter(p -> PathNames.name(p).endsWith(".rpm") && Files.isRegularFile(p)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (rpms.isEmpty()) {
            throw new PublishException(dir + ": no .rpm files to publish");
        }
        // release.json's SHA-256s are checked against the ones the verifying read pass makes, never trusted
        Map<String, String> manifest = manifestDigests(dir.resolve(ReleaseManifest.FILE_NAME));
        List<Scanned> files = new ArrayList<>();
        for (Path p : rpms) {
            RpmPackage rpm = RpmReader.read(p);
            String arch = rpm.arch();
            if (Arrays.stream(Arch.values()).noneMatch(a -> a.rpm().equals(arch))) {
                throw new PublishCheckException(p + ": header ARCH '" + printable(arch) + "' is not a known "
                        + "architecture (" + Arrays.stream(Arch.values()).map(Arch::rpm).toList()
                        + "); rebuild the package with --arch. Nothing was uploaded.");
            }
            String name = PathNames.name(p);
            if (name.startsWith(".") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
                throw new PublishException(p + ": file name cannot be published (hidden, control characters or "
                        + "backslash); rename it <name>-<tag>-<arch>.rpm");
            }
            files.add(new Scanned(p, layout.packageKey(arch, name), size(p), rpm));
        }
        Path key = dir.resolve(ReleaseManifest.KEY_FILE);
        if (Files.isRegularFile(key)) {
            files.add(new Scanned(key, layout.keyFile(), size(key), null));
        } else {
            log.accept("warning: " + key + " is missing; the repository's gpgkey URL will not resolve");
        }
        return new ReleaseScan(dir, files, manifest);
    }

    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c)
                : new String(Character.toChars(c))));
        return b.toString();
    }

    /** File name to SHA-256 from release.json when it has entries with a file/name and sha256; else empty. */
    private static Map<String, String> manifestDigests(Path manifest) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isRegularFile(manifest)) {
            return out;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new PublishException(manifest + ": not valid JSON (" + e.getMessage() + "); rebuild the release", e);
        }
        collect(root, out);
        return out;
    }

    private static void collect(JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            JsonNode sha = n.get("sha256");
            for (String f : List.of("file", "fileName", "filename", "name", "path")) {
                JsonNode v = n.get(f);
                if (sha != null && sha.isTextual() && v != null && v.isTextual() && (v.asText().endsWith(".rpm")
                        || PathNames.name(Path.of(v.asText())).equals(ReleaseManifest.KEY_FILE))) {
                    out.put(PathNames.name(Path.of(v.asText())), sha.asText());
                }
            }
        }
        n.forEach(c -> collect(c, out));
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + e.getMessage(), e);
        }
    }
}
