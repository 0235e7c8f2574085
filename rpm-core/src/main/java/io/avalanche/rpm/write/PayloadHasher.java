package io.avalanche.rpm.write;

import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Computes the per-file SHA-256 digests, the SHA-256 of the whole uncompressed cpio archive and that of the
 * compressed payload on a second thread while the caller compresses. File data travels in pooled buffers
 * handed over by reference (no copy), compressed bytes as copies in a second pool; the pools bound memory
 * (6 MiB) and make the caller wait if hashing falls behind.
 */
final class PayloadHasher implements AutoCloseable {
    private static final int BUFFERS = 4;
    private static final int COPIES = 8;
    private static final int COPY_SIZE = 256 << 10;
    private static final Chunk END = new Chunk(null, 0, -2);

    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<byte[]> freeCopies = new ArrayBlockingQueue<>(COPIES);
    private final BlockingQueue<Chunk> work = new LinkedBlockingQueue<>();
    private final String[] fileDigests;
    private final MessageDigest archive = sha256();
    private final MessageDigest file = sha256();
    private final MessageDigest compressed = sha256();
    private final Thread thread;
    private volatile Throwable failure;
    private boolean ended;

    /**
     * A slice of bytes; {@code fileIndex} >= 0 marks file data, -1 archive-only bytes, -3 the end of file
     * {@code length}, -4 compressed payload bytes.
     */
    private record Chunk(byte[] data, int length, int fileIndex) {
    }

    PayloadHasher(int files, int bufferSize) {
        fileDigests = new String[files];
        free = new ArrayBlockingQueue<>(BUFFERS);
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[bufferSize]);
        }
        for (int i = 0; i < COPIES; i++) {
            freeCopies.add(new byte[COPY_SIZE]);
        }
        thread = new Thread(this::loop, "rpm-payload-hasher");
        thread.setDaemon(true);
        thread.start();
    }

    /** A buffer to read file data into; give it back with {@link #fileData} (blocks while all are in use). */
    byte[] buffer() throws InterruptedIOException {
        return take(free);
    }

    private byte[] take(BlockingQueue<byte[]> pool) throws InterruptedIOException {
        try {
            byte[] b;
            while ((b = pool.poll(100, TimeUnit.MILLISECONDS)) == null) {
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the payload hashing thread stopped", failure);
                }
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while packaging");
        }
    }

    /** Archive bytes that are not file data; the array must not change afterwards. */
    void archiveBytes(byte[] b, int off, int len) {
        byte[] copy = off == 0 ? b : Arrays.copyOfRange(b, off, off + len);
        work.add(new Chunk(copy, len, -1));
    }

    /** Hands over a buffer from {@link #buffer()} holding {@code len} bytes of file {@code index}. */
    void fileData(byte[] buffer, int len, int index) {
        work.add(new Chunk(buffer, len, index));
    }

    /** Compressed payload bytes, copied into pooled arrays (the caller may reuse its array), for PAYLOADDIGEST. */
    void compressedBytes(byte[] b, int off, int len) throws InterruptedIOException {
        while (len > 0) {
            byte[] copy = take(freeCopies);
            int n = Math.min(len, copy.length);
            System.arraycopy(b, off, copy, 0, n);
            work.add(new Chunk(copy, n, -4));
            off += n;
            len -= n;
        }
    }

    /** Marks the end of file {@code index}'s data. */
    void endFile(int index) {
        work.add(new Chunk(null, index, -3));
    }

    /** Waits for the hashing to finish; returns the file digests (hex; null for directories). */
    String[] fileDigests() {
        finish();
        return fileDigests.clone();
    }

    /** Waits for the hashing to finish; returns the archive SHA-256 in hex. */
    String archiveDigest() {
        finish();
        return HexFormat.of().formatHex(archive.digest());
    }

    /** Waits for the hashing to finish; returns the compressed payload SHA-256 in hex. */
    String compressedDigest() {
        finish();
        return HexFormat.of().formatHex(compressed.digest());
    }

    private void finish() {
        if (!ended) {
            ended = true;
            work.add(END);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw new IllegalStateException("payload hashing failed", failure);
        }
    }

    /** Stops the thread (also after a failure of the caller); idempotent. */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            work.add(END);
        }
    }

    private void loop() {
        HexFormat hex = HexFormat.of();
        while (true) {
            Chunk c;
            try {
                c = work.take();
            } catch (InterruptedException e) {
                return;
            }
            if (c == END) {
                return;
            }
            try {
                if (c.fileIndex == -3) {
                    fileDigests[c.length] = hex.formatHex(file.digest());
                } else if (c.fileIndex == -4) {
                    compressed.update(c.data, 0, c.length);
                } else {
                    archive.update(c.data, 0, c.length);
                    if (c.fileIndex >= 0) {
                        file.update(c.data, 0, c.length);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (c.fileIndex >= 0) {
                    free.add(c.data);
                } else if (c.fileIndex == -4) {
                    freeCopies.add(c.data);
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
