package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The multipart uploads of {@link S3Store}: parallel parts, each with its SHA-256, checked against S3's composite
 * checksum, aborted on any failure; incomplete uploads of the same key left by a killed run are aborted first.
 */
final class S3Multipart {
    private final S3Connection c;
    private final S3Store store;

    S3Multipart(S3Connection c, S3Store store) {
        this.c = c;
        this.store = store;
    }

    /**
     * Parallel parts, each with its SHA-256 ({@code partHashes}: made in the pass that verified the file; null: hashed
     * here from the bytes sent), completed only while the key is absent when {@code ifAbsent}. The object is good when
     * S3's composite checksum (SHA-256 of the part checksums) is the one of the parts hashed; aborted on any failure.
     */
    String put(String key, Path file, long size, byte[] sha256, List<byte[]> partHashes, String ifMatch,
               boolean ifAbsent) {
        abortStaleUploads(key);
        String uploadId;
        try {
            uploadId = c.s3.createMultipartUpload(b -> b.overrideConfiguration(c.timing(key)).bucket(c.bucket)
                    .key(c.fullKey(key)).contentType(S3Store.contentType(key)).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .metadata(Map.of(S3Store.SHA256_METADATA, Digests.hex(sha256)))).uploadId();
        } catch (SdkException e) {
            throw c.translate("start a multipart upload of " + file + " to", key, e);
        }
        long partSize = c.settings.partSize();
        int parts = (int) ((size + partSize - 1) / partSize);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(c.settings.parallelism(), parts), r -> {
            Thread t = new Thread(r, "s3-part");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<CompletedPart>> futures = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                int number = i + 1;
                long offset = i * partSize;
                int length = (int) Math.min(partSize, size - offset);
                byte[] known = partHashes == null ? null : partHashes.get(i);
                futures.add(pool.submit(() -> uploadPart(key, uploadId, file, number, offset, length, known)));
            }
            List<CompletedPart> done = new ArrayList<>();
            MessageDigest composite = Digests.sha256();
            for (Future<CompletedPart> f : futures) {
                CompletedPart p = f.get();
                done.add(p);
                composite.update(Digests.fromBase64(p.checksumSHA256()));
            }
            String got;
            try {
                got = c.s3.completeMultipartUpload(b -> b.overrideConfiguration(c.timing(key)).bucket(c.bucket)
                        .key(c.fullKey(key)).uploadId(uploadId).ifMatch(ifMatch).ifNoneMatch(ifAbsent ? "*" : null)
                        .multipartUpload(m -> m.parts(done))).checksumSHA256();
            } catch (SdkException e) {
                if (S3Connection.conditionFailed(e)) {
                    abort(key, uploadId);
                    throw c.concurrent(key, ifAbsent ? "appeared" : "changed");
                }
                throw e;
            }
            String expected = Digests.base64(composite.digest()) + "-" + parts;
            if (got == null) {
                got = store.headResponse(key).orElseThrow(() -> new StoreException(
                        c.describe(key) + ": missing right after its multipart upload completed")).checksumSHA256();
            }
            if (got != null && !got.equals(expected)) {
                c.s3.deleteObject(b -> b.overrideConfiguration(c.timing(key)).bucket(c.bucket).key(c.fullKey(key)));
                throw new StoreException(c.describe(key) + ": composite SHA-256 " + got + " differs from the "
                        + expected + " of the parts sent; the object was deleted, re-run publish");
            }
            if (got != null && partHashes != null) {
                // the parts S3 holds are the parts hashed with the whole file: the object is the file verified
                return "S3 composite checksum of " + parts + " parts matches the parts of the file verified";
            }
            String how = store.verify(key, sha256, size);
            return (got == null ? "" : "S3 composite checksum of " + parts + " parts matches; ") + how;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(key, uploadId);
            throw new StoreException("interrupted while uploading " + file + " to " + c.describe(key), e);
        } catch (ExecutionException e) {
            abort(key, uploadId);
            Throwable cause = e.getCause();
            if (cause instanceof StoreException pe) {
                throw new StoreException(pe.getMessage() + "; the multipart upload was aborted, nothing was "
                        + "stored under " + c.describe(key), pe);
            }
            throw new StoreException("multipart upload of " + file + " to " + c.describe(key) + " failed and was "
                    + "aborted: " + cause.getMessage(), cause);
        } catch (RuntimeException e) {
            abort(key, uploadId);
            throw e instanceof StoreException ? e : c.translate("complete the multipart upload of " + file + " to",
                    key, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One part, streamed from the file; {@code known}: its SHA-256 from the verifying pass (null: hash it here). */
    private CompletedPart uploadPart(String key, String uploadId, Path file, int number, long offset, int length,
                                     byte[] known) throws IOException {
        RequestBody body;
        String sha;
        if (known != null) {
            sha = Digests.base64(known);
            body = RequestBody.fromContentProvider(() -> FileRange.open(file, offset, length), length,
                    "application/octet-stream");
        } else {
            byte[] data = FileRange.read(file, offset, length);
            sha = Digests.base64(Digests.sha256(data));
            body = RequestBody.fromBytes(data);
        }
        try {
            UploadPartResponse r = c.s3.uploadPart(b -> b.overrideConfiguration(c.timing(key)).bucket(c.bucket)
                    .key(c.fullKey(key)).uploadId(uploadId).partNumber(number).contentLength((long) length)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(sha), body);
            if (r.checksumSHA256() != null && !r.checksumSHA256().equals(sha)) {
                throw new StoreException(c.describe(key) + ": S3 confirmed part " + number + " with SHA-256 "
                        + r.checksumSHA256() + " instead of " + sha);
            }
            return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(sha).build();
        } catch (SdkException e) {
            throw c.translate("upload part " + number + " of " + file + " to", key, e);
        }
    }

    private void abort(String key, String uploadId) {
        try {
            c.s3.abortMultipartUpload(b -> b.overrideConfiguration(c.timing(key)).bucket(c.bucket)
                    .key(c.fullKey(key)).uploadId(uploadId));
        } catch (SdkException ignored) {
            // a failed abort leaves an incomplete upload that is not an object; the next run aborts it
        }
    }

    /** Aborts incomplete multipart uploads of this key left by an earlier, killed run. */
    private void abortStaleUploads(String key) {
        try {
            for (MultipartUpload u : c.s3.listMultipartUploads(b -> b.overrideConfiguration(c.timing(key))
                    .bucket(c.bucket).prefix(c.fullKey(key))).uploads()) {
                if (u.key().equals(c.fullKey(key))) {
                    abort(key, u.uploadId());
                }
            }
        } catch (SdkException ignored) {
            // listing uploads is an optimisation; stores without it still work
        }
    }
}
