package io.avalanche.rpm.validate;

import java.nio.file.Path;

/**
 * Where a release is read from (release directory, file: bucket, S3). Implementations copy the
 * RPMs and the public key published next to them into {@code workDir}; they never use a local key.
 */
public interface ReleaseSource {
    /** Copies the release into workDir (RPMs and key side by side); throws ValidationException when absent. */
    FetchedRelease fetch(ReleaseRef ref, Path workDir);

    /** Where this source reads from, for messages. */
    String describe();
}
