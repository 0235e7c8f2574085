package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.StoredObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store whose process is "killed" just before its N-th write or delete: that operation and every later one fail
 * with {@link Killed}, so the destination holds exactly what the first N-1 left, as after a SIGKILL there.
 */
final class KillingStore implements ObjectStore {
    /** What the simulated kill throws (an Error: nothing in the code under test handles it). */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed(String what) {
            super("killed before " + what);
        }
    }

    private final ObjectStore delegate;
    private final int killAt;
    private final AtomicInteger writes = new AtomicInteger();

    KillingStore(ObjectStore delegate, int killAt) {
        this.delegate = delegate;
        this.killAt = killAt;
    }

    /** Writes and deletes attempted so far. */
    int writes() {
        return writes.get();
    }

    private void write(String what, String key) {
        if (writes.incrementAndGet() >= killAt) {
            throw new Killed(what + " " + key);
        }
    }

    @Override
    public String url() {
        return delegate.url();
    }

    @Override
    public String describe(String key) {
        return delegate.describe(key);
    }

    @Override
    public String publicUrl(String key) {
        return delegate.publicUrl(key);
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return delegate.head(key);
    }

    @Override
    public String put(String key, Path file, byte[] sha256) {
        write("put", key);
        return delegate.put(key, file, sha256);
    }

    @Override
    public String put(String key, Path file, FileHashes hashes, String expectedTag) {
        write("put", key);
        return delegate.put(key, file, hashes, expectedTag);
    }

    @Override
    public String put(String key, byte[] data, String contentType) {
        write("put", key);
        return delegate.put(key, data, contentType);
    }

    @Override
    public String putIf(String key, byte[] data, String contentType, String tag) {
        write("put", key);
        return delegate.putIf(key, data, contentType, tag);
    }

    @Override
    public String putIfAbsent(String key, Path file, byte[] sha256) {
        write("put", key);
        return delegate.putIfAbsent(key, file, sha256);
    }

    @Override
    public String putIfAbsent(String key, byte[] data, String contentType) {
        write("put", key);
        return delegate.putIfAbsent(key, data, contentType);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return delegate.get(key);
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return delegate.getVersioned(key);
    }

    @Override
    public String download(String key, Path target) {
        return delegate.download(key, target);
    }

    @Override
    public byte[] getRange(String key, long start, long endInclusive) {
        return delegate.getRange(key, start, endInclusive);
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        write("delete", key);
        delegate.delete(key);
    }

    @Override
    public String verify(String key, byte[] sha256, long size) {
        return delegate.verify(key, sha256, size);
    }

    @Override
    public Lock lock(java.time.Duration wait) {
        return delegate.lock(wait);
    }

    @Override
    public boolean exclusive() {
        return delegate.exclusive();
    }
}
