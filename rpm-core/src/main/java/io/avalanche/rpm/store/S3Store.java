package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An S3 bucket (+ key prefix) through AWS SDK v2: SHA-256 flexible checksums on every upload, parallel
 * multipart uploads above a threshold (aborted on failure), retries with backoff on 5xx, throttling and
 * connection resets.
 */
public final class S3Store implements ObjectStore {
    /** User metadata key holding the full-object SHA-256 (hex); S3 returns it as x-amz-meta-sha256. */
    public static final String SHA256_METADATA = "sha256";
    private static final long DOWNLOAD_VERIFY_LIMIT = 32L << 20;

    private final String bucket;
    private final String prefix;
    private final S3Settings settings;
    private final S3Client s3;
    private final long deadline;

    /**
     * A store whose every call is bounded: each HTTP attempt by {@link S3Settings#attemptTimeout()}, and all calls
     * together (retries included) by {@link S3Settings#timeout()} counted from now.
     */
    public S3Store(String bucket, String prefix, S3Settings settings) {
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : stripSlashes(prefix);
        if (!this.prefix.isEmpty()) {
            Destinations.checkKey("s3://" + bucket + "/" + prefix, this.prefix);
        }
        this.settings = settings;
        this.deadline = System.nanoTime() + settings.timeout().toNanos();
        Duration attempt = settings.attemptTimeout();
        var builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(settings.parallelism() + 4)
                        .connectionTimeout(attempt.compareTo(Duration.ofSeconds(10)) < 0 ? attempt
                                : Duration.ofSeconds(10))
                        .socketTimeout(attempt))
                .region(Region.of(settings.effectiveRegion()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts()).build())
                        .apiCallAttemptTimeout(attempt)
                        .apiCallTimeout(settings.timeout()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    /** Parses {@code s3://BUCKET[/prefix]} (checked by {@link Destinations#check}). */
    public static S3Store open(String url, S3Settings settings) {
        Destinations.Destination d = Destinations.check(url);
        if (!d.s3()) {
            throw new io.avalanche.rpm.SpecException("destination '" + url + "' is not s3://BUCKET[/prefix]");
        }
        return new S3Store(d.bucket(), d.prefix(), settings);
    }

    /**
     * Per-request bounds: the attempt timeout, and what is left of the overall timeout; throws when none is left.
     */
    private AwsRequestOverrideConfiguration timing(String key) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new StoreException("gave up before the next request for " + describe(key) + ": the overall "
                    + "timeout of " + human(settings.timeout()) + " (--timeout) is spent: S3 endpoint "
                    + settings.describeEndpoint() + " did not answer in time");
        }
        return AwsRequestOverrideConfiguration.builder().apiCallAttemptTimeout(settings.attemptTimeout())
                .apiCallTimeout(Duration.ofNanos(left)).build();
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String stripSlashes(String p) {
        String r = p;
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    private static AwsCredentialsProvider credentials(S3Settings s) {
        if (s.accessKeyId() != null && s.secretAccessKey() != null) {
            return StaticCredentialsProvider.create(s.sessionToken() == null
                    ? AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey())
                    : AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken()));
        }
        if (s.profile() != null) {
            return ProfileCredentialsProvider.create(s.profile());
        }
        return AwsCredentialsProviderChain.of(ProfileCredentialsProvider.create(),
                ContainerCredentialsProvider.create(), InstanceProfileCredentialsProvider.create());
    }

    public S3Client client() {
        return s3;
    }

    public String bucket() {
        return bucket;
    }

    private String fullKey(String key) {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        if (!k.isEmpty()) {
            try {
                Destinations.checkKey(describeRaw(key), k);
            } catch (io.avalanche.rpm.SpecException e) {
                throw new StoreException(e.getMessage(), e);
            }
        }
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    private String relativeKey(String full) {
        return prefix.isEmpty() ? full : full.substring(prefix.length() + 1);
    }

    @Override
    public String describe(String key) {
        return describeRaw(key);
    }

    @Override
    public String url() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    private String describeRaw(String key) {
        return "s3://" + bucket + "/" + (prefix.isEmpty() ? key : prefix + "/" + key);
    }

    @Override
    public String publicUrl(String key) {
        if (settings.endpoint() != null) {
            String e = settings.endpoint().toString();
            return (e.endsWith("/") ? e : e + "/") + bucket + "/" + fullKey(key);
        }
        return "https://" + bucket + ".s3." + settings.effectiveRegion() + ".amazonaws.com/" + fullKey(key);
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return headResponse(key).map(h -> new StoredObject(key, h.contentLength(), fullSha256Hex(h),
                h.lastModified()));
    }

    private Optional<HeadObjectResponse> headResponse(String key) {
        return ifFound("read", key, () -> s3.headObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket)
                .key(fullKey(key)).checksumMode(ChecksumMode.ENABLED)));
    }

    /** The request's result; empty on 404; other failures translated as failures to {@code what} the key. */
    private <T> Optional<T> ifFound(String what, String key, java.util.function.Supplier<T> request) {
        try {
            return Optional.of(request.get());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw translate(what, key, e);
        } catch (SdkException e) {
            throw translate(what, key, e);
        }
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
        return putFile(key, file, sha256, null, false);
    }

    /** Uploads only when no object exists under the key ({@code If-None-Match: *}, honoured by S3 since 2024). */
    @Override
    public String putIfAbsent(String key, Path file, byte[] sha256) {
        return putFile(key, file, sha256, null, true);
    }

    @Override
    public long partSize(long size) {
        return size >= settings.multipartThreshold() ? settings.partSize() : 0;
    }

    @Override
    public String put(String key, Path file, FileHashes hashes, boolean ifAbsent) {
        return putFile(key, file, hashes.sha256(), hashes, ifAbsent);
    }

    private String putFile(String key, Path file, byte[] sha256, FileHashes hashes, boolean ifAbsent) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new StoreException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (size >= settings.multipartThreshold()) {
            List<byte[]> parts = hashes != null && hashes.partSize() == settings.partSize() && hashes.size() == size
                    ? hashes.parts() : null;
            return putMultipart(key, file, size, sha256, parts, ifAbsent);
        }
        String echoed;
        try {
            echoed = s3.putObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key))
                    .contentLength(size).contentType(contentType(key)).ifNoneMatch(ifAbsent ? "*" : null)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.base64(sha256))
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha256))), RequestBody.fromFile(file))
                    .checksumSHA256();
        } catch (SdkException e) {
            throw conditionFailed(e) ? concurrent(key, "appeared") : translate("upload " + file + " to", key, e);
        }
        return checked(key, sha256, size, echoed);
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public String putStreaming(String key, long size, java.util.function.Supplier<java.io.InputStream> body,
                               byte[] sha256, boolean ifAbsent) {
        try {
            return s3.putObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key))
                    .contentLength(size).contentType(contentType(key)).ifNoneMatch(ifAbsent ? "*" : null)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.base64(sha256))
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha256))),
                    RequestBody.fromContentProvider(body::get, size, "application/octet-stream")).checksumSHA256();
        } catch (SdkException e) {
            throw conditionFailed(e) ? concurrent(key, "appeared") : translate("upload", key, e);
        }
    }

    /**
     * How an upload is known good: S3 checked the x-amz-checksum-sha256 it received (it answers BadDigest otherwise)
     * and confirms it in its response; a store that does not confirm it is read back ({@link #verify}).
     */
    private String checked(String key, byte[] sha256, long size, String echoed) {
        if (echoed == null) {
            return verify(key, sha256, size);
        }
        if (!echoed.equals(Digests.base64(sha256))) {
            throw mismatch(key, "S3 confirmed SHA-256 " + Digests.hex(Digests.fromBase64(echoed)) + ", expected "
                    + Digests.hex(sha256));
        }
        return VERIFIED;
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
            echoed = s3.putObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key))
                    .contentLength((long) data.length).contentType(contentType)
                    .ifMatch(ifMatch).ifNoneMatch(ifAbsent ? "*" : null)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.base64(sha))
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha))), RequestBody.fromBytes(data))
                    .checksumSHA256();
        } catch (SdkException e) {
            throw conditionFailed(e) ? concurrent(key, ifAbsent ? "appeared" : "changed") : translate("upload", key, e);
        }
        return checked(key, sha, data.length, echoed);
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return ifFound("download", key, () -> s3.getObjectAsBytes(b -> b.overrideConfiguration(timing(key))
                .bucket(bucket).key(fullKey(key)))).map(r -> new Versioned(r.asByteArray(), r.response().eTag()));
    }

    /** 412 Precondition Failed, or 409 ConditionalRequestConflict (a concurrent conditional write won). */
    private static boolean conditionFailed(SdkException e) {
        return e instanceof S3Exception s && (s.statusCode() == 412 || (s.statusCode() == 409
                && s.awsErrorDetails() != null && "ConditionalRequestConflict".equals(s.awsErrorDetails().errorCode())));
    }

    private ConcurrentWriteException concurrent(String key, String what) {
        return new ConcurrentWriteException(describe(key) + " " + what + " while this publish was writing it "
                + "(another publish ran at the same time; S3 refused the conditional write)");
    }

    private static String contentType(String key) {
        if (key.endsWith(".rpm")) {
            return "application/x-rpm";
        }
        return key.endsWith(".xml") ? "application/xml" : "application/octet-stream";
    }

    /**
     * Parallel parts, each with its SHA-256 ({@code partHashes}: made in the pass that verified the file; null: hashed
     * here from the bytes sent), completed only while the key is absent when {@code ifAbsent}. The object is good when
     * S3's composite checksum (SHA-256 of the part checksums) is the one of the parts hashed; aborted on any failure.
     */
    private String putMultipart(String key, Path file, long size, byte[] sha256, List<byte[]> partHashes,
                                boolean ifAbsent) {
        abortStaleUploads(key);
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key)).contentType(contentType(key))
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .metadata(Map.of(SHA256_METADATA, Digests.hex(sha256)))).uploadId();
        } catch (SdkException e) {
            throw translate("start a multipart upload of " + file + " to", key, e);
        }
        long partSize = settings.partSize();
        int parts = (int) ((size + partSize - 1) / partSize);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallelism(), parts), r -> {
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
                got = s3.completeMultipartUpload(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key))
                        .uploadId(uploadId).ifNoneMatch(ifAbsent ? "*" : null).multipartUpload(m -> m.parts(done)))
                        .checksumSHA256();
            } catch (SdkException e) {
                if (conditionFailed(e)) {
                    abort(key, uploadId);
                    throw concurrent(key, "appeared");
                }
                throw e;
            }
            String expected = Digests.base64(composite.digest()) + "-" + parts;
            if (got == null) {
                got = headResponse(key).orElseThrow(() -> new StoreException(
                        describe(key) + ": missing right after its multipart upload completed")).checksumSHA256();
            }
            if (got != null && !got.equals(expected)) {
                s3.deleteObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key)));
                throw new StoreException(describe(key) + ": composite SHA-256 " + got + " differs from the "
                        + expected + " of the parts sent; the object was deleted, re-run publish");
            }
            if (got != null && partHashes != null) {
                // the parts S3 holds are the parts hashed with the whole file: the object is the file verified
                return "S3 composite checksum of " + parts + " parts matches the parts of the file verified";
            }
            String how = verify(key, sha256, size);
            return (got == null ? "" : "S3 composite checksum of " + parts + " parts matches; ") + how;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(key, uploadId);
            throw new StoreException("interrupted while uploading " + file + " to " + describe(key), e);
        } catch (ExecutionException e) {
            abort(key, uploadId);
            Throwable c = e.getCause();
            if (c instanceof StoreException pe) {
                throw new StoreException(pe.getMessage() + "; the multipart upload was aborted, nothing was "
                        + "stored under " + describe(key), pe);
            }
            throw new StoreException("multipart upload of " + file + " to " + describe(key) + " failed and was "
                    + "aborted: " + c.getMessage(), c);
        } catch (RuntimeException e) {
            abort(key, uploadId);
            throw e instanceof StoreException ? e : translate("complete the multipart upload of " + file + " to",
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
            UploadPartResponse r = s3.uploadPart(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key)).uploadId(uploadId)
                    .partNumber(number).contentLength((long) length)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(sha), body);
            if (r.checksumSHA256() != null && !r.checksumSHA256().equals(sha)) {
                throw new StoreException(describe(key) + ": S3 confirmed part " + number + " with SHA-256 "
                        + r.checksumSHA256() + " instead of " + sha);
            }
            return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(sha).build();
        } catch (SdkException e) {
            throw translate("upload part " + number + " of " + file + " to", key, e);
        }
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key)).uploadId(uploadId));
        } catch (SdkException ignored) {
            // a failed abort leaves an incomplete upload that is not an object; the next run aborts it
        }
    }

    /** Aborts incomplete multipart uploads of this key left by an earlier, killed run. */
    private void abortStaleUploads(String key) {
        try {
            for (MultipartUpload u : s3.listMultipartUploads(b -> b.overrideConfiguration(timing(key)).bucket(bucket).prefix(fullKey(key))).uploads()) {
                if (u.key().equals(fullKey(key))) {
                    abort(key, u.uploadId());
                }
            }
        } catch (SdkException ignored) {
            // listing uploads is an optimisation; stores without it still work
        }
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
                return s3.getObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key)).checksumMode(ChecksumMode.ENABLED));
            } catch (SdkException e) {
                throw translate("download", key, e);
            }
        });
    }

    @Override
    public byte[] getRange(String key, long start, long endInclusive) {
        try {
            return s3.getObjectAsBytes(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key))
                    .range("bytes=" + start + "-" + endInclusive)).asByteArray();
        } catch (SdkException e) {
            throw translate("download a range of", key, e);
        }
    }

    @Override
    public List<StoredObject> list(String dirPrefix) {
        List<StoredObject> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.overrideConfiguration(timing(dirPrefix)).bucket(bucket).prefix(fullKey(dirPrefix))).contents()) {
                out.add(new StoredObject(relativeKey(o.key()), o.size(), null, o.lastModified()));
            }
        } catch (SdkException e) {
            throw translate("list", dirPrefix, e);
        }
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.overrideConfiguration(timing(key)).bucket(bucket).key(fullKey(key)));
        } catch (SdkException e) {
            throw translate("delete", key, e);
        }
    }

    @Override
    public String verify(String key, byte[] sha256, long size) {
        HeadObjectResponse h = headResponse(key).orElseThrow(() -> new StoreException(
                describe(key) + ": missing right after upload; re-run publish"));
        if (h.contentLength() != size) {
            throw mismatch(key, "size " + h.contentLength() + " instead of " + size);
        }
        String server = h.checksumSHA256();
        if (server != null && !server.contains("-")) {
            if (!Arrays.equals(Digests.fromBase64(server), sha256)) {
                throw mismatch(key, "S3 reports SHA-256 " + Digests.hex(Digests.fromBase64(server)) + ", expected "
                        + Digests.hex(sha256));
            }
            return VERIFIED;
        }
        if (size <= DOWNLOAD_VERIFY_LIMIT) {
            byte[] body = get(key).orElseThrow(() -> mismatch(key, "vanished while verifying"));
            byte[] actual = Digests.sha256(body);
            if (!Arrays.equals(actual, sha256)) {
                throw mismatch(key, "downloaded bytes hash to " + Digests.hex(actual) + ", expected "
                        + Digests.hex(sha256));
            }
            return "server returned no full-object SHA-256; verified by downloading";
        }
        String meta = h.metadata().get(SHA256_METADATA);
        if (meta == null || !meta.equals(Digests.hex(sha256))) {
            throw mismatch(key, "stored sha256 metadata is " + meta + ", expected " + Digests.hex(sha256));
        }
        return "server returned no full-object SHA-256; compared the stored sha256 metadata and size";
    }

    private StoreException mismatch(String key, String what) {
        return new StoreException(describe(key) + ": checksum mismatch after upload: " + what
                + "; the object is not trustworthy, re-run publish with --force to replace it");
    }

    private StoreException translate(String op, String key, Exception e) {
        String target = describe(key);
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            if (code == null && s.statusCode() == 403) {
                code = probeErrorCode();
            }
            code = code == null ? "" : code;
            if (s.statusCode() == 403 && ("SignatureDoesNotMatch".equals(code) || "InvalidAccessKeyId".equals(code)
                    || "InvalidToken".equals(code) || "ExpiredToken".equals(code))) {
                return new StoreException("S3 authentication failed (" + code + ") while trying to " + op + " "
                        + target + ": check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (or "
                        + "withAWS credentials) and the region " + settings.effectiveRegion(), e);
            }
            if (s.statusCode() == 403) {
                return new StoreException("S3 denied access (" + code + ") while trying to " + op + " " + target
                        + ": the credentials lack permission on bucket " + bucket, e);
            }
            if ("NoSuchBucket".equals(code)) {
                return new StoreException("S3 bucket '" + bucket + "' does not exist (while trying to " + op + " "
                        + target + ")", e);
            }
            if ("BadDigest".equals(code) || "InvalidDigest".equals(code) || code.startsWith("XAmzContent")) {
                return new StoreException("checksum mismatch: S3 rejected the bytes sent for " + target
                        + " (" + code + "): they changed in transit; re-run publish", e);
            }
            return new StoreException("S3 error " + s.statusCode() + " " + code + " while trying to " + op + " "
                    + target + ": " + s.getMessage(), e);
        }
        if (timedOut(e)) {
            return new StoreException("S3 endpoint " + settings.describeEndpoint() + " did not answer in time while "
                    + "trying to " + op + " " + target + " (each attempt is bounded by " + human(settings.attemptTimeout())
                    + " (--attempt-timeout), the whole publish by " + human(settings.timeout()) + " (--timeout)): "
                    + "check --endpoint / AWS_ENDPOINT_URL and the network", e);
        }
        return new StoreException("cannot " + op + " " + target + " at " + settings.describeEndpoint() + " after "
                + settings.maxAttempts() + " attempts: " + e.getMessage(), e);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof org.apache.http.conn.ConnectTimeoutException) {
                return true;
            }
            for (Throwable x : t.getSuppressed()) {
                if (timedOut(x)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** HEAD errors carry no body: ask a request that has one (GET bucket listing) for the real error code. */
    private String probeErrorCode() {
        try {
            s3.listObjectsV2(b -> b.overrideConfiguration(timing("")).bucket(bucket).maxKeys(1));
            return null;
        } catch (S3Exception e) {
            return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        } catch (SdkException e) {
            return null;
        }
    }

    @Override
    public void close() {
        s3.close();
    }

}
