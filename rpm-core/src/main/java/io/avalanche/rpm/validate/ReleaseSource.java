package io.avalanche.rpm.validate;

import io.avalanche.rpm.store.ObjectStore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a release is read from (release directory, file: bucket, S3). Implementations copy the
 * RPMs and the public key published next to them into {@code workDir}; they never use a local key.
 */
public interface ReleaseSource {
    /** Copies the release into workDir (RPMs and key side by side); throws ValidationException when absent. */
    FetchedRelease fetch(ReleaseRef ref, Path workDir);

    /** Where this source reads from, for messages. */
    String describe();

    /**
     * The published tree this source reads from (file: bucket or S3), whose yum repository metadata is then
     * checked too; empty for a release directory, which has none yet.
     */
    default Optional<ObjectStore> publishedStore() {
        return Optional.empty();
    }
}
