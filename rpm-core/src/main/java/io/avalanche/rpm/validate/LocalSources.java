package io.avalanche.rpm.validate;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Release sources on the local file system: a release directory and a {@code file:} bucket directory. */
public final class LocalSources {
    private LocalSources() {
    }

    /** A release directory: RPMs and RPM-GPG-KEY-avalanchego at the top (or under &lt;arch&gt;/). */
    public static ReleaseSource releaseDirectory(Path dir) {
        return new Copying(dir, "release directory " + dir, List.of("", "%s/"), List.of(""), false);
    }

    /** A bucket laid out as published: DIR/linux/rpms/&lt;arch&gt;/FILE and DIR/linux/rpms/RPM-GPG-KEY-avalanchego. */
    public static ReleaseSource bucketDirectory(Path dir) {
        return new Copying(dir, "file:" + dir, List.of("linux/rpms/%s/"), List.of("linux/rpms/"), true);
    }

    private record Copying(Path root, String describe, List<String> rpmDirs, List<String> keyDirs, boolean published)
            implements ReleaseSource {
        @Override
        public Optional<ObjectStore> publishedStore() {
            return published ? Optional.of(new FileStore(root)) : Optional.empty();
        }

        @Override
        public FetchedRelease fetch(ReleaseRef ref, Path workDir) {
            try {
                Path out = Files.createDirectories(workDir.resolve("release"));
                Map<String, Path> rpms = new LinkedHashMap<>();
                for (String name : ref.names()) {
                    String file = ref.fileName(name);
                    Path src = find(rpmDirs.stream().map(d -> String.format(d, ref.rpmArch()) + file).toList(),
                            "package " + file);
                    rpms.put(name, Files.copy(src, out.resolve(file), StandardCopyOption.REPLACE_EXISTING));
                }
                Path key = find(keyDirs.stream().map(d -> d + ReleaseManifest.KEY_FILE).toList(), "public key");
                Path keyCopy = Files.copy(key, out.resolve(ReleaseManifest.KEY_FILE), StandardCopyOption.REPLACE_EXISTING);
                return new FetchedRelease(rpms, keyCopy);
            } catch (IOException e) {
                throw new UncheckedIOException(describe + ": cannot copy the release: " + e.getMessage(), e);
            }
        }

        private Path find(List<String> candidates, String what) {
            for (String c : candidates) {
                Path p = root.resolve(c);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
            throw new ValidationException(describe + ": " + what + " not found (looked for "
                    + candidates.stream().map(root::resolve).map(Path::toString).toList()
                    + "); publish the release first or fix --from/--tag/--arch");
        }
    }
}
