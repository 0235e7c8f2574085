package io.avalanche.rpm.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.format.ReleaseTag;
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

/**
 * A release directory read for publishing: its packages (headers parsed, file names checked against them), its key
 * file and release.json's digests, and the one channel they are published in. When release.json exists it is the
 * manifest: exactly its files are published, each present. A noarch package goes into the repository of every
 * arch the release has packages for (one entry per directory).
 */
record ReleaseScan(Path dir, List<Scanned> files, Map<String, String> manifest, Channel channel) {

    /** A file of the release directory: where it goes, its size, its parsed headers (null: the key file). */
    record Scanned(Path file, String key, long size, RpmPackage rpm) {
    }

    List<Path> rpms() {
        return files.stream().filter(f -> f.rpm() != null).map(Scanned::file).distinct().toList();
    }

    /** release.json records a SHA-256 for every package: the checksum its upload can declare before it is read. */
    boolean declaresEveryPackage() {
        return files.stream().filter(f -> f.rpm() != null).allMatch(f -> {
            String d = manifest.get(PathNames.name(f.file()));
            return d != null && d.matches("[0-9a-fA-F]{64}");
        });
    }

    /** The repository directories the packages go to (their channel's, one per arch). */
    List<String> dirs(Layout layout) {
        return files.stream().filter(f -> f.rpm() != null).map(f -> dirOf(f.key())).distinct().toList();
    }

    /** The repository directory of an object key (its arch directory). */
    static String dirOf(String key) {
        return key.substring(0, key.lastIndexOf('/') + 1);
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
            throw new UncheckedIOException(dir + ": cannot list: " + IoErrors.why(e), e);
        }
        if (rpms.isEmpty()) {
            throw new PublishException(dir + ": no .rpm files to publish");
        }
        // release.json's SHA-256s are checked against the ones the verifying read pass makes, never trusted
        Path manifestFile = dir.resolve(ReleaseManifest.FILE_NAME);
        Map<String, String> manifest = manifestDigests(manifestFile);
        Path key = dir.resolve(ReleaseManifest.KEY_FILE);
        if (Files.isRegularFile(manifestFile)) {
            exactlyTheManifest(dir, manifest, rpms, Files.isRegularFile(key));
        }
        List<Scanned> files = new ArrayList<>();
        List<Scanned> noarch = new ArrayList<>();
        Map<Channel, List<String>> channels = new TreeMap<>();
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
            checkName(p, rpm);
            Channel channel = Channel.ofVersion(rpm.version());
            channels.computeIfAbsent(channel, c -> new ArrayList<>()).add(name);
            if (arch.equals(Arch.NOARCH.rpm())) {
                noarch.add(new Scanned(p, name, size(p), rpm));
            } else {
                files.add(new Scanned(p, layout.packageKey(channel, arch, name), size(p), rpm));
            }
        }
        if (channels.size() > 1) {
            List<String> each = new ArrayList<>();
            channels.forEach((c, names) -> each.add(c.id() + ": " + names));
            throw new PublishCheckException(dir + " mixes releases of several channels (" + String.join("; ", each)
                    + "): a stable release and a pre-release are never published together, so that no pre-release "
                    + "can reach the stable repository. Publish each release directory on its own. Nothing was "
                    + "uploaded.");
        }
        List<String> archDirs = files.stream().map(f -> dirOf(f.key())).distinct().sorted().toList();
        if (!noarch.isEmpty() && archDirs.isEmpty()) {
            throw new PublishCheckException(dir + ": " + noarch.get(0).key() + " is noarch and is published in the "
                    + "repository of each arch the release has packages for, but the release has none; publish it "
                    + "with the x86_64/aarch64 packages it belongs to. Nothing was uploaded.");
        }
        for (Scanned n : noarch) {
            for (String d : archDirs) {
                files.add(new Scanned(n.file(), d + n.key(), n.size(), n.rpm()));
            }
        }
        if (Files.isRegularFile(key)) {
            files.add(new Scanned(key, layout.keyFile(), size(key), null));
        } else {
            log.accept("warning: " + key + " is missing; the repository's gpgkey URL will not resolve");
        }
        return new ReleaseScan(dir, files, manifest, channels.keySet().iterator().next());
    }

    /**
     * The file name a package must be published under, from its header alone: {@code <name>-<tag>-<arch>.rpm} (a
     * respin: {@code <name>-<tag>_<release>-<arch>.rpm}) when its version is a tag's mapping, else rpm's own
     * {@code <name>-<version>-<release>.<arch>.rpm}.
     */
    static String expectedName(RpmPackage rpm) {
        return ReleaseTag.fromVersion(rpm.version(), rpm.release())
                .map(t -> t.fileName(rpm.packageName(), rpm.arch()))
                .orElse(rpm.packageName() + "-" + rpm.version() + "-" + rpm.release() + "." + rpm.arch() + ".rpm");
    }

    /** Refuses a package whose file name is not the one its header gives: a published name is taken forever. */
    private static void checkName(Path p, RpmPackage rpm) {
        String want = expectedName(rpm);
        String name = PathNames.name(p);
        if (!name.equals(want)) {
            String tag = ReleaseTag.fromVersion(rpm.version(), rpm.release()).map(t -> ", tag " + t.tag()).orElse("");
            throw new PublishCheckException(p + ": its header is " + printable(rpm.packageName()) + " "
                    + printable(rpm.version()) + "-" + printable(rpm.release()) + " " + printable(rpm.arch()) + tag
                    + ", so its file name must be " + printable(want) + ", not " + printable(name) + ": a published "
                    + "name is taken forever. Rename the file, or rebuild the package with the right --name, --tag "
                    + "and --arch. Nothing was uploaded.");
        }
    }

    /**
     * With a release.json, the directory must hold exactly its files: every listed package present (and the key when
     * listed), each listed with a SHA-256, and no package it does not list (a stale RPM of another release).
     */
    private static void exactlyTheManifest(Path dir, Map<String, String> manifest, List<Path> rpms, boolean hasKey) {
        Path file = dir.resolve(ReleaseManifest.FILE_NAME);
        List<String> present = rpms.stream().map(PathNames::name).toList();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : manifest.entrySet()) {
            boolean isKey = e.getKey().equals(ReleaseManifest.KEY_FILE);
            if (isKey ? !hasKey : !present.contains(e.getKey())) {
                problems.add("it lists " + e.getKey() + ", which is not in " + dir);
            } else if (e.getValue() == null || !e.getValue().matches("[0-9a-fA-F]{64}")) {
                problems.add("it lists " + e.getKey() + " without a SHA-256");
            }
        }
        for (String name : present) {
            if (!manifest.containsKey(name)) {
                problems.add(dir + " holds " + name + ", which it does not list (a file of another release?)");
            }
        }
        if (hasKey && !manifest.containsKey(ReleaseManifest.KEY_FILE)) {
            problems.add(dir + " holds " + ReleaseManifest.KEY_FILE + ", which it does not list");
        }
        if (!problems.isEmpty()) {
            throw new PublishCheckException(file + " is the release's manifest and publish ships exactly its files, "
                    + "but " + String.join("; ", problems) + ". Remove files of other releases from the directory, or "
                    + "rebuild the release (rpm-release sign refreshes " + ReleaseManifest.FILE_NAME + "). Nothing "
                    + "was uploaded.");
        }
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

    /** Entries naming a package or the key file (by file, fileName, filename, name or path), with their sha256. */
    private static void collect(JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            JsonNode sha = n.get("sha256");
            for (String f : List.of("file", "fileName", "filename", "name", "path")) {
                JsonNode v = n.get(f);
                if (v != null && v.isTextual() && !v.asText().isEmpty() && (v.asText().endsWith(".rpm")
                        || PathNames.name(Path.of(v.asText())).equals(ReleaseManifest.KEY_FILE))) {
                    out.put(PathNames.name(Path.of(v.asText())), sha != null && sha.isTextual() ? sha.asText() : null);
                }
            }
        }
        n.forEach(c -> collect(c, out));
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + IoErrors.why(e), e);
        }
    }
}
