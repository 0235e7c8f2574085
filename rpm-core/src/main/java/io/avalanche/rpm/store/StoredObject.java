package io.avalanche.rpm.store;

import java.time.Instant;

/**
 * What a store knows about one object without downloading it. {@code sha256Hex} is null when the
 * store holds no full-object SHA-256 for it (e.g. an object uploaded by someone else).
 */
public record StoredObject(String key, long size, String sha256Hex, Instant lastModified) {
}
