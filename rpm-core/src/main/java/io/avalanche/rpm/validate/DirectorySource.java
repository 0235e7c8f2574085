package io.avalanche.rpm.validate;

import io.avalanche.rpm.manifest.ReleaseManifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A release directory: RPMs and RPM-GPG-KEY-avalanchego at the top (or under &lt;arch&gt;/), and its release.json. */
final class DirectorySource implements ReleaseSource {
    private final Path root;

    DirectorySource(Path root) {
        this.root = root;
    }

    @Override
    public String describe() {
        return "release directory " + root;
    }

    @Override
    public Optional<ReleaseManifest> manifest() {
        return Files.isRegularFile(root.resolve(ReleaseManifest.FILE_NAME)) ? Optional.of(ReleaseManifest.read(root))
                : Optional.empty();
    }

    @Override
    public String manifestLocation() {
        return root.resolve(ReleaseManifest.FILE_NAME).toString();
    }

    @Override
    public FetchedRelease fetch(ReleaseRef ref, Path workDir) {
        try {
            Path out = Files.createDirectories(workDir.resolve("release"));
            Map<String, Path> rpms = new LinkedHashMap<>();
            for (String name : ref.names()) {
                String file = ref.fileName(name);
                Path src = find(List.of(file, ref.rpmArch() + "/" + file), "package " + file);
                rpms.put(name, Files.copy(src, out.resolve(file), StandardCopyOption.REPLACE_EXISTING));
            }
            Path key = find(List.of(ReleaseManifest.KEY_FILE), "public key");
            Path keyCopy = Files.copy(key, out.resolve(ReleaseManifest.KEY_FILE), StandardCopyOption.REPLACE_EXISTING);
            return new FetchedRelease(rpms, keyCopy);
        } catch (IOException e) {
            throw new UncheckedIOException(describe() + ": cannot copy the release: " + e.getMessage(), e);
        }
    }

    private Path find(List<String> candidates, String what) {
        for (String c : candidates) {
            Path p = root.resolve(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new ValidationException(describe() + ": " + what + " not found (looked for "
                + candidates.stream().map(root::resolve).map(Path::toString).toList()
                + "); publish the release first or fix --from/--tag/--arch");
    }
}
