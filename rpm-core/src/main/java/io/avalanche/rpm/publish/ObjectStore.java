package io.avalanche.rpm.publish;

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

    /** Stores small bytes (metadata) the same way. */
    String put(String key, byte[] data, String contentType);

    /** The whole object; empty when absent. */
    Optional<byte[]> get(String key);

    /**
     * Streams an object into a file (temp file + atomic move), checking it against the SHA-256 the store
     * holds for it; returns that SHA-256 (hex). Throws {@link PublishException} naming the object when it is
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
     * {@link PublishException} naming the object on a mismatch.
     */
    String verify(String key, byte[] sha256, long size);

    @Override
    default void close() {
    }
}
