package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A flat key space that holds a published tree: an S3 bucket (+ prefix) or a local directory.
 * Keys use '/' and are relative to the store's root. The publishing logic is written once over this.
 */
public interface ObjectStore extends AutoCloseable {

    /** Human-readable address of a key, for messages: {@code s3://bucket/prefix/key} or a path. */
    String describe(String key);

    /** Where to say that a request is tried again, and why (S3); a store that does not retry says nothing. */
    default void reportRetries(java.util.function.Consumer<String> log) {
    }

    /** The destination this store was opened for, as --to/--from take it ({@code s3://bucket/prefix}, {@code file:DIR}). */
    String url();

    /** URL under which clients (dnf) reach a key, e.g. {@code https://bucket.s3.amazonaws.com/key}. */
    String publicUrl(String key);

    /** Size and SHA-256 of an object, or empty when absent. */
    Optional<StoredObject> head(String key);

    /**
     * Stores a file under a key, declaring its SHA-256 (raw 32 bytes) so the store checks it on the way
     * in, then checks the stored object against it. Never leaves a partial object behind.
     * Returns how the stored object was verified (for the log).
     */
    String put(String key, Path file, byte[] sha256);

    /**
     * The part size a file of {@code size} bytes is uploaded in (0: one request). {@link FileHashes} made with it
     * carry the part checksums, so the upload itself hashes nothing.
     */
    default long partSize(long size) {
        return 0;
    }

    /**
     * Stores a file whose {@link FileHashes} were made in the pass that verified it, conditionally: only while nothing
     * is stored under the key ({@code expectedTag} null), or only while the stored object is still the version
     * {@code expectedTag} ({@link StoredObject#tag()} as read before); else {@link ConcurrentWriteException}. The store
     * checks the bytes it receives against the hashes. Returns how the stored object was verified. This default checks,
     * then writes: atomic only under {@link #lock}.
     */
    default String put(String key, Path file, FileHashes hashes, String expectedTag) {
        if (expectedTag == null) {
            return putIfAbsent(key, file, hashes.sha256());
        }
        String now = head(key).map(StoredObject::tag).orElse(null);
        if (!expectedTag.equals(now)) {
            throw new ConcurrentWriteException(describe(key) + " changed since this publish read it (another publish "
                    + "ran at the same time)");
        }
        return put(key, file, hashes.sha256());
    }

    /** True when {@link #putStreaming} uploads a body while it is produced (S3); false: upload files once checked. */
    default boolean streams() {
        return false;
    }

    /**
     * Stores {@code size} bytes read from a fresh {@code body} stream per attempt (a package verified as it streams:
     * the stream fails instead of giving its last byte when the checks fail, and nothing is stored), declaring
     * {@code sha256} (raw) for the store to check the bytes against, on the condition of
     * {@link #put(String, Path, FileHashes, String)}. Returns the SHA-256 (base64) the store confirmed it received, or
     * null when it confirmed none (then {@link #verify}).
     */
    default String putStreaming(String key, long size, java.util.function.Supplier<java.io.InputStream> body,
                                byte[] sha256, String expectedTag) {
        throw new UnsupportedOperationException(describe(key) + ": this store does not stream uploads");
    }

    /** Stores small bytes (metadata) the same way. */
    String put(String key, byte[] data, String contentType);

    /** The whole object; empty when absent. */
    Optional<byte[]> get(String key);

    /**
     * Streams an object into a file (temp file + atomic move), checking it against the SHA-256 the store
     * holds for it; returns that SHA-256 (hex). Throws {@link StoreException} naming the object when it is
     * absent or its bytes do not match.
     */
    String download(String key, Path target);

    /** Bytes [start, endInclusive] of an object. */
    byte[] getRange(String key, long start, long endInclusive);

    /** Keys directly or indirectly under a prefix (which ends in '/'), with their sizes. */
    List<StoredObject> list(String prefix);

    /** Removes an object; no error when absent. */
    void delete(String key);

    /**
     * Checks the stored object against a SHA-256 (raw) and size; returns how it was checked, throws
     * {@link StoreException} naming the object on a mismatch.
     */
    String verify(String key, byte[] sha256, long size);

    /** An object's bytes with the store's version tag (S3: the ETag; a directory: the SHA-256). */
    record Versioned(byte[] data, String tag) {
    }

    /** The whole object and its version tag; empty when absent. */
    default Optional<Versioned> getVersioned(String key) {
        return get(key).map(b -> new Versioned(b, Digests.sha256Hex(b)));
    }

    /**
     * Stores bytes only while the object is still version {@code tag} (null: only while absent); else throws
     * {@link ConcurrentWriteException}. This default checks, then writes: atomic only under {@link #lock}.
     */
    default String putIf(String key, byte[] data, String contentType, String tag) {
        String now = getVersioned(key).map(Versioned::tag).orElse(null);
        if (!java.util.Objects.equals(now, tag)) {
            throw new ConcurrentWriteException(describe(key) + " changed while this publish was preparing it "
                    + "(another publish ran at the same time)");
        }
        return put(key, data, contentType);
    }

    /** Stores a file only when nothing is stored under the key yet (else {@link ConcurrentWriteException}). */
    default String putIfAbsent(String key, Path file, byte[] sha256) {
        if (head(key).isPresent()) {
            throw new ConcurrentWriteException(describe(key) + " appeared while this publish was writing it");
        }
        return put(key, file, sha256);
    }

    /** Stores bytes only when nothing is stored under the key yet (else {@link ConcurrentWriteException}). */
    default String putIfAbsent(String key, byte[] data, String contentType) {
        return putIf(key, data, contentType, null);
    }

    /**
     * Excludes other publishers of this store until the handle is closed, waiting at most {@code wait}; stores
     * without locks (S3, which has conditional writes instead) return a no-op handle.
     */
    default Lock lock(java.time.Duration wait) {
        return () -> { };
    }

    /** True when {@link #lock} really excludes other publishers (a directory). */
    default boolean exclusive() {
        return false;
    }

    /** A held {@link #lock}. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    default void close() {
    }
}
