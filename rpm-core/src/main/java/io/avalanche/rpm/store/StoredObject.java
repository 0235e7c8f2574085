package io.avalanche.rpm.store;

import java.time.Instant;

/**
 * What a store knows about one object without downloading it. {@code sha256Hex} is null when the store holds no
 * full-object SHA-256 for it (e.g. an object uploaded by someone else); {@code tag} is the store's version tag (S3: the
 * ETag; a directory: the SHA-256), what a conditional replacement names, or null when the store gave none.
 */
public record StoredObject(String key, long size, String sha256Hex, Instant lastModified, String tag) {
    public StoredObject(String key, long size, String sha256Hex, Instant lastModified) {
        this(key, size, sha256Hex, lastModified, null);
    }
}
