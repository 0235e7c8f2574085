package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An S3 bucket (+ key prefix) through AWS SDK v2: SHA-256 flexible checksums on every upload, parallel
 * multipart uploads above a threshold (aborted on failure; {@link S3Multipart}), retries with backoff on 5xx,
 * throttling and connection resets ({@link S3Connection}).
 */
public final class S3Store implements ObjectStore {
    /** User metadata key holding the full-object SHA-256 (hex); S3 returns it as x-amz-meta-sha256. */
    public static final String SHA256_METADATA = "sha256";

    private final S3Connection c;
    private final S3Client s3;
    private final String bucket;
    private final S3Settings settings;
    private final S3Multipart multipart;
    private final S3Checksums checksums;

    /**
     * A store whose every call is bounded: each HTTP attempt by {@link S3Settings#attemptTimeout()}, and all calls
     * together (retries included) by {@link S3Settings#timeout()} counted from now.
     */
    public S3Store(String bucket, String prefix, S3Settings settings) {
        this.c = new S3Connection(bucket, prefix, settings);
        this.s3 = c.s3;
        this.bucket = c.bucket;
        this.settings = settings;
        this.multipart = new S3Multipart(c, this);
        this.checksums = new S3Checksums(c, this);
    }

    /** Parses {@code s3://BUCKET[/prefix]} (checked by {@link Destinations#check}). */
    public static S3Store open(String url, S3Settings settings) {
        Destinations.Destination d = Destinations.check(url);
        if (!d.s3()) {
            throw new io.avalanche.rpm.SpecException("destination '" + url + "' is not s3://BUCKET[/prefix]");
        }
        return new S3Store(d.bucket(), d.prefix(), settings);
    }

    public S3Client client() {
        return c.s3;
    }

    public String bucket() {
        return c.bucket;
    }

    @Override
    public void reportRetries(java.util.function.Consumer<String> log) {
        c.reportRetries(log);
    }

    @Override
    public String describe(String key) {
        return c.describe(key);
    }

    @Override
    public String url() {
        return "s3://" + bucket + (c.prefix.isEmpty() ? "" : "/" + c.prefix);
    }

    @Override
    public String publicUrl(String key) {
        if (settings.endpoint() != null) {
            String e = settings.endpoint().toString();
            return (e.endsWith("/") ? e : e + "/") + bucket + "/" + Destinations.urlPath(c.fullKey(key));
        }
        return "https://" + bucket + ".s3." + settings.effectiveRegion() + ".amazonaws.com/"
                + Destinations.urlPath(c.fullKey(key));
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return headResponse(key).map(h -> new StoredObject(key, h.contentLength(), fullSha256Hex(h),
                h.lastModified(), h.eTag()));
    }

    Optional<HeadObjectResponse> headResponse(String key) {
        return c.ifFound("read", key, () -> s3.headObject(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket)
                .key(c.fullKey(key)).checksumMode(ChecksumMode.ENABLED)));
    }

    /** Our metadata sha256, else a non-composite server SHA-256 checksum, else null. */
    private static String fullSha256Hex(HeadObjectResponse h) {
        String meta = h.metadata().get(SHA256_METADATA);
        if (meta != null && meta.matches("[0-9a-f]{64}")) {
            return meta;
        }
        String c = h.checksumSHA256();
        if (c != null && !c.contains("-")) {
            return Digests.hex(Digests.fromBase64(c));
        }
        return null;
    }

    @Override
    public String put(String key, Path file, byte[] sha256) {
        return putFile(key, file, sha256, null, null, false);
    }

    /** Uploads only when no object exists under the key ({@code If-None-Match: *}, honoured by S3 since 2024). */
    @Override
    public String putIfAbsent(String key, Path file, byte[] sha256) {
        return putFile(key, file, sha256, null, null, true);
    }

    @Override
    public long partSize(long size) {
        return size >= settings.multipartThreshold() ? settings.partSize() : 0;
    }

    /** Conditional on the ETag read ({@code If-Match}, also on a multipart completion), or on absence. */
    @Override
    public String put(String key, Path file, FileHashes hashes, String expectedTag) {
        return putFile(key, file, hashes.sha256(), hashes, expectedTag, expectedTag == null);
    }

    private String putFile(String key, Path file, byte[] sha256, FileHashes hashes, String ifMatch,
                           boolean ifAbsent) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new StoreException(file + ": cannot read: " + IoErrors.why(e), e);
        }
        if (size >= settings.multipartThreshold()) {
            List<byte[]> parts = hashes != null && hashes.partSize() == settings.partSize() && hashes.size() == size
                    ? hashes.parts() : null;
            return multipart.put(key, file, size, sha256, parts, ifMatch, ifAbsent);
        }
        String echoed;
        try {
            echoed = s3.putObject(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket).key(c.fullKey(key))
                    .contentLength(size).contentType(contentType(key)).ifMatch(ifMatch)
                    .ifNoneMatch(ifAbsent ? "*" : null)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.base64(sha256))
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha256))), RequestBody.fromFile(file))
                    .checksumSHA256();
        } catch (SdkException e) {
            throw S3Connection.conditionFailed(e) ? c.concurrent(key, ifAbsent ? "appeared" : "changed")
                    : c.translate("upload " + file + " to", key, e);
        }
        return checksums.checked(key, sha256, size, echoed);
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public String putStreaming(String key, long size, java.util.function.Supplier<java.io.InputStream> body,
                               byte[] sha256, String expectedTag) {
        try {
            return s3.putObject(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket).key(c.fullKey(key))
                    .contentLength(size).contentType(contentType(key)).ifMatch(expectedTag)
                    .ifNoneMatch(expectedTag == null ? "*" : null)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.base64(sha256))
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha256))),
                    RequestBody.fromContentProvider(body::get, size, "application/octet-stream")).checksumSHA256();
        } catch (SdkException e) {
            throw S3Connection.conditionFailed(e) ? c.concurrent(key, expectedTag == null ? "appeared" : "changed")
                    : c.translate("upload", key, e);
        }
    }

    /** What {@link #verify} and a confirmed upload report. */
    public static final String VERIFIED = "S3 SHA-256 checksum matches";

    @Override
    public String put(String key, byte[] data, String contentType) {
        return putBytes(key, data, contentType, null, false);
    }

    @Override
    public String putIfAbsent(String key, byte[] data, String contentType) {
        return putBytes(key, data, contentType, null, true);
    }

    /** Replaces the object only while its ETag is still {@code tag} ({@code If-Match}); null tag: only if absent. */
    @Override
    public String putIf(String key, byte[] data, String contentType, String tag) {
        return putBytes(key, data, contentType, tag, tag == null);
    }

    private String putBytes(String key, byte[] data, String contentType, String ifMatch, boolean ifAbsent) {
        byte[] sha = Digests.sha256(data);
        String echoed;
        try {
            echoed = s3.putObject(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket).key(c.fullKey(key))
                    .contentLength((long) data.length).contentType(contentType)
                    .ifMatch(ifMatch).ifNoneMatch(ifAbsent ? "*" : null)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.base64(sha))
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha))), RequestBody.fromBytes(data))
                    .checksumSHA256();
        } catch (SdkException e) {
            throw S3Connection.conditionFailed(e) ? c.concurrent(key, ifAbsent ? "appeared" : "changed") : c.translate("upload", key, e);
        }
        return checksums.checked(key, sha, data.length, echoed);
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return c.ifFound("download", key, () -> s3.getObjectAsBytes(b -> b.overrideConfiguration(c.timing(key))
                .bucket(bucket).key(c.fullKey(key)))).map(r -> new Versioned(r.asByteArray(), r.response().eTag()));
    }

    static String contentType(String key) {
        if (key.endsWith(".rpm")) {
            return "application/x-rpm";
        }
        return key.endsWith(".xml") ? "application/xml" : "application/octet-stream";
    }

    @Override
    public Optional<byte[]> get(String key) {
        return getVersioned(key).map(Versioned::data);
    }

    @Override
    public String download(String key, Path target) {
        StoredObject o = head(key).orElseThrow(() -> new StoreException(describe(key)
                + " not found: publish the release first or fix the bucket/prefix"));
        return ObjectDownload.toFile(describe(key), target, o.sha256Hex(), () -> {
            try {
                return s3.getObject(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket).key(c.fullKey(key)).checksumMode(ChecksumMode.ENABLED));
            } catch (SdkException e) {
                throw c.translate("download", key, e);
            }
        });
    }

    @Override
    public byte[] getRange(String key, long start, long endInclusive) {
        try {
            return s3.getObjectAsBytes(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket).key(c.fullKey(key))
                    .range("bytes=" + start + "-" + endInclusive)).asByteArray();
        } catch (SdkException e) {
            throw c.translate("download a range of", key, e);
        }
    }

    @Override
    public List<StoredObject> list(String dirPrefix) {
        List<StoredObject> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.overrideConfiguration(c.timing(dirPrefix)).bucket(bucket).prefix(c.fullKey(dirPrefix))).contents()) {
                out.add(new StoredObject(c.relativeKey(o.key()), o.size(), null, o.lastModified(), o.eTag()));
            }
        } catch (SdkException e) {
            throw c.translate("list", dirPrefix, e);
        }
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.overrideConfiguration(c.timing(key)).bucket(bucket).key(c.fullKey(key)));
        } catch (SdkException e) {
            throw c.translate("delete", key, e);
        }
    }

    @Override
    public String verify(String key, byte[] sha256, long size) {
        return checksums.verify(key, sha256, size);
    }

    @Override
    public void close() {
        c.close();
    }

}