package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.StoredObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Delegates to a store and counts requests and downloaded bytes, to measure what a publish costs. */
final class CountingStore implements ObjectStore {
    final ObjectStore delegate;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong rangeRequests = new AtomicLong();
    final AtomicLong bytesDownloaded = new AtomicLong();

    CountingStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    void reset() {
        requests.set(0);
        rangeRequests.set(0);
        bytesDownloaded.set(0);
    }

    @Override
    public String describe(String key) {
        return delegate.describe(key);
    }

    @Override
    public String url() {
        return delegate.url();
    }

    @Override
    public String publicUrl(String key) {
        return delegate.publicUrl(key);
    }

    @Override
    public Optional<StoredObject> head(String key) {
        requests.incrementAndGet();
        return delegate.head(key);
    }

    @Override
    public String put(String key, Path file, byte[] sha256) {
        requests.incrementAndGet();
        return delegate.put(key, file, sha256);
    }

    @Override
    public long partSize(long size) {
        return delegate.partSize(size);
    }

    @Override
    public String put(String key, Path file, FileHashes hashes, String expectedTag) {
        beforeConditionalWrite.accept(key);
        requests.incrementAndGet();
        return delegate.put(key, file, hashes, expectedTag);
    }

    @Override
    public boolean streams() {
        return delegate.streams();
    }

    @Override
    public String putStreaming(String key, long size, java.util.function.Supplier<java.io.InputStream> body,
                               byte[] sha256, String expectedTag) {
        beforeConditionalWrite.accept(key);
        requests.incrementAndGet();
        String tag = delegate.putStreaming(key, size, body, sha256, expectedTag);
        afterStreamingWrite.accept(key);
        return tag;
    }

    @Override
    public String put(String key, byte[] data, String contentType) {
        requests.incrementAndGet();
        return delegate.put(key, data, contentType);
    }

    @Override
    public Optional<byte[]> get(String key) {
        requests.incrementAndGet();
        Optional<byte[]> r = delegate.get(key);
        r.ifPresent(b -> bytesDownloaded.addAndGet(b.length));
        return r;
    }

    @Override
    public String download(String key, Path target) {
        requests.incrementAndGet();
        return delegate.download(key, target);
    }

    @Override
    public byte[] getRange(String key, long start, long endInclusive) {
        requests.incrementAndGet();
        rangeRequests.incrementAndGet();
        byte[] b = delegate.getRange(key, start, endInclusive);
        bytesDownloaded.addAndGet(b.length);
        return b;
    }

    @Override
    public List<StoredObject> list(String prefix) {
        beforeList.accept(prefix);
        requests.incrementAndGet();
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        requests.incrementAndGet();
        delegate.delete(key);
    }

    @Override
    public String verify(String key, byte[] sha256, long size) {
        requests.incrementAndGet();
        return delegate.verify(key, sha256, size);
    }

    /** Runs after each streamed upload stored its object, with its key. */
    volatile java.util.function.Consumer<String> afterStreamingWrite = k -> { };

    /** Runs before each versioned GET (an index read) with its key. */
    volatile java.util.function.Consumer<String> beforeVersionedGet = k -> { };

    /** Runs before each listing with its prefix (tests hold a listing back there). */
    volatile java.util.function.Consumer<String> beforeList = k -> { };

    /** Runs before each conditional write with its key (tests interleave another publisher there). */
    volatile java.util.function.Consumer<String> beforeConditionalWrite = k -> { };

    @Override
    public Optional<Versioned> getVersioned(String key) {
        beforeVersionedGet.accept(key);
        requests.incrementAndGet();
        Optional<Versioned> r = delegate.getVersioned(key);
        r.ifPresent(v -> bytesDownloaded.addAndGet(v.data().length));
        return r;
    }

    @Override
    public String putIf(String key, byte[] data, String contentType, String tag) {
        beforeConditionalWrite.accept(key);
        requests.incrementAndGet();
        return delegate.putIf(key, data, contentType, tag);
    }

    @Override
    public String putIfAbsent(String key, Path file, byte[] sha256) {
        beforeConditionalWrite.accept(key);
        requests.incrementAndGet();
        return delegate.putIfAbsent(key, file, sha256);
    }

    @Override
    public String putIfAbsent(String key, byte[] data, String contentType) {
        beforeConditionalWrite.accept(key);
        requests.incrementAndGet();
        return delegate.putIfAbsent(key, data, contentType);
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
