package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.S3Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a release is read from: a release directory, or a published tree ({@code file:DIR}, {@code s3://}).
 * {@link #open} is the one door; a source copies the RPMs and the public key published next to them into a work
 * directory and never uses a local key. Close it when done (it may hold an S3 client).
 */
public interface ReleaseSource extends AutoCloseable {
    /** Copies the release into workDir (RPMs and key side by side); throws ValidationException when absent. */
    default FetchedRelease fetch(ReleaseRef ref, Path workDir) {
        try {
            Path out = Files.createDirectories(workDir.resolve("release"));
            Map<String, Path> rpms = new LinkedHashMap<>();
            for (String name : ref.names()) {
                String file = ref.fileName(name);
                rpms.put(name, copyPackage(ref, file, out.resolve(file)));
            }
            return new FetchedRelease(rpms, copyKey(out.resolve(ReleaseManifest.KEY_FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(describe() + ": cannot fetch the release: " + IoErrors.why(e), e);
        }
    }

    /** Copies the package file {@code file} of {@code ref} to {@code target}; ValidationException when absent. */
    Path copyPackage(ReleaseRef ref, String file, Path target) throws IOException;

    /** Copies the release's public key to {@code target}; ValidationException when absent. */
    Path copyKey(Path target) throws IOException;

    /** Where this source reads from, for messages. */
    String describe();

    /**
     * The published tree this source reads from (file: bucket or S3), whose yum repository metadata is then
     * checked too; empty for a release directory, which has none yet.
     */
    default Optional<ObjectStore> publishedStore() {
        return Optional.empty();
    }

    /** The layout a published tree is read in (a release directory has none: the seed's, unused). */
    default Layout layout() {
        return Layout.SEED;
    }

    /** The release.json this source holds (a release directory's; a published tree has none). */
    default Optional<ReleaseManifest> manifest() {
        return Optional.empty();
    }

    /** Where {@link #manifest} was read, for messages. */
    default String manifestLocation() {
        return describe();
    }

    @Override
    default void close() {
    }

    /**
     * Opens {@code from} ({@code --from}: DIR, {@code file:DIR} or {@code s3://BUCKET[/prefix]}, checked first: a
     * usage error says what is wrong); published trees are read in the seed layout.
     */
    static ReleaseSource open(String from, S3Settings s3) {
        return open(from, s3, Layout.SEED);
    }

    /** As {@link #open(String, S3Settings)}, reading a published tree in {@code layout}. */
    static ReleaseSource open(String from, S3Settings s3, Layout layout) {
        return open(from, s3, layout, null);
    }

    /** As {@link #open(String, S3Settings, Layout)}, saying on {@code log} when an S3 request is tried again. */
    static ReleaseSource open(String from, S3Settings s3, Layout layout, java.util.function.Consumer<String> log) {
        Destinations.Destination d = Destinations.checkSource(from);
        return switch (d.kind()) {
            case DIRECTORY -> new DirectorySource(d.dir());
            case FILE -> new PublishedSource(new FileStore(d.dir()), d.url(), layout, true);
            case S3 -> {
                ObjectStore store = Destinations.open(d.url(), s3);
                store.reportRetries(log);
                yield new PublishedSource(store, d.url(), layout, true);
            }
        };
    }

    /** A release directory given as a path (no parsing: any name is a directory). */
    static ReleaseSource directory(Path dir) {
        return new DirectorySource(dir);
    }

    /** A published tree read from a store the caller owns (and closes). */
    static ReleaseSource published(ObjectStore store, String describe, Layout layout) {
        return new PublishedSource(store, describe, layout, false);
    }
}
