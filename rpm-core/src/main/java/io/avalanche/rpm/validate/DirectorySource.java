package io.avalanche.rpm.validate;

import io.avalanche.rpm.manifest.ReleaseManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
    public Path copyPackage(ReleaseRef ref, String file, Path target) throws IOException {
        Path src = find(List.of(file, ref.rpmArch() + "/" + file), "package " + file);
        return Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public Path copyKey(Path target) throws IOException {
        return Files.copy(find(List.of(ReleaseManifest.KEY_FILE), "public key"), target,
                StandardCopyOption.REPLACE_EXISTING);
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
