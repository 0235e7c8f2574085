package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.verify.VerifyReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A package as an upload body that is verified while it streams: a verifier thread reads the file once (digests,
 * signatures, SHA-256) and hands its bytes to the request; the last byte is held back until {@code release} (every
 * package of the publish verified, SHA-256s agreeing with release.json) completes, so a package that fails its
 * checks is never stored (the request is cut short and S3 keeps nothing).
 */
final class VerifyingBody {
    private static final Object END = new Object();
    private final Path file;
    private final long size;
    private final PackageVerifier verifier;
    private final CompletableFuture<Void> release;
    private final Function<FileHashes, String> judge;
    /** The first complete pass: its report and hashes (what the publish decides on). */
    final CompletableFuture<Verdict> verdict = new CompletableFuture<>();
    private final java.util.List<Body> open = new java.util.ArrayList<>();

    /** What a verifying pass found; {@code problem} null when the package may be published. */
    record Verdict(VerifyReport report, FileHashes hashes, String problem) {
    }

    /**
     * @param judge a problem with the hashes of a pass (e.g. release.json records another SHA-256), or null
     */
    VerifyingBody(Path file, long size, PackageVerifier verifier, CompletableFuture<Void> release,
                  Function<FileHashes, String> judge) {
        this.file = file;
        this.size = size;
        this.verifier = verifier;
        this.release = release;
        this.judge = judge;
    }

    /** A verifying pass without uploading (when the request never read its body, or for an existing object). */
    Verdict verifyNow() {
        synchronized (open) {
            open.forEach(Body::close);
            open.clear();
        }
        if (verdict.isDone()) {
            return verdict.join();
        }
        FileHashes.Hasher h = new FileHashes.Hasher(0);
        VerifyReport r = verifier.verify(file, h::update);
        FileHashes fh = h.finish();
        Verdict v = new Verdict(r, fh, r.ok() ? judge.apply(fh) : "does not verify");
        verdict.complete(v);
        return verdict.join();
    }

    /** A new body stream (each attempt of the request reads its own verifying pass). */
    InputStream newStream() {
        if (release.isCompletedExceptionally() || (verdict.isDone() && verdict.join().problem() != null)) {
            // a retry of a request whose package failed: fail at once, nothing to read again
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException(file + " failed its checks: not uploading it");
                }
            };
        }
        Body b = new Body();
        synchronized (open) {
            open.add(b);
        }
        return b;
    }

    private final class Body extends InputStream {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(32);
        private final Thread reader;
        private volatile boolean closed;
        private byte[] chunk = new byte[0];
        private int pos;
        private long delivered;
        private volatile Verdict mine;

        Body() {
            reader = new Thread(this::pass, "publish-verify-upload");
            reader.setDaemon(true);
            reader.start();
        }

        private void pass() {
            FileHashes.Hasher h = new FileHashes.Hasher(0);
            Verdict v;
            try {
                VerifyReport r = verifier.verify(file, (b, off, len) -> {
                    h.update(b, off, len);
                    byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                    offer(copy);
                });
                FileHashes fh = h.finish();
                v = new Verdict(r, fh, !r.ok() ? "does not verify" : fh.size() != size
                        ? "changed size while it was read" : judge.apply(fh));
            } catch (Aborted e) {
                return;   // the request stopped reading: this pass decides nothing
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                v = new Verdict(null, null, "cannot be read: " + e.getMessage());
            }
            mine = v;
            verdict.complete(v);
            try {
                offer(END);
            } catch (Aborted e) {
                // closed after the whole file was read
            }
        }

        private void offer(Object o) {
            try {
                while (!closed && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
                    // the request stopped reading: wait until it is closed
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Aborted();
            }
            if (closed) {
                throw new Aborted();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (delivered >= size) {
                return -1;
            }
            while (pos >= chunk.length) {
                Object o = take();
                if (o == END) {
                    throw new IOException(file + " ended after " + delivered + " of " + size + " bytes");
                }
                chunk = (byte[]) o;
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            if (delivered + n >= size) {
                // the last byte goes only when this pass and every package of the publish verified
                n = (int) (size - delivered - 1);
                if (n == 0) {
                    awaitRelease();
                    n = 1;
                }
            }
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            delivered += n;
            return n;
        }

        private void awaitRelease() throws IOException {
            if (take() != END) {
                throw new IOException(file + " is longer than " + size + " bytes");
            }
            Verdict v = mine;
            if (v == null || v.problem() != null) {
                throw new IOException(file + " " + (v == null ? "was not verified" : v.problem())
                        + ": not uploading it");
            }
            Verdict first = verdict.join();
            if (!java.util.Arrays.equals(first.hashes().sha256(), v.hashes().sha256())) {
                throw new IOException(file + " changed between two reads: not uploading it");
            }
            try {
                release.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("another package of the publish failed its checks: not uploading " + file);
            }
        }

        private Object take() throws IOException {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The request stopped reading the body. */
    private static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super(null, null, false, false);
        }
    }
}
