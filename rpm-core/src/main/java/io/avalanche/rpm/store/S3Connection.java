package io.avalanche.rpm.store;

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
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The transport under {@link S3Store}: one SDK client for a bucket and key prefix, the keys it sends, the time bounds
 * of each request, and the failures of requests turned into one-line messages naming the object.
 */
final class S3Connection implements AutoCloseable {
    final String bucket;
    final String prefix;
    final S3Settings settings;
    final S3Client s3;
    private final long deadline;
    private final S3RetryReport retries;

    /**
     * A client whose every call is bounded: each HTTP attempt by {@link S3Settings#attemptTimeout()}, and all calls
     * together (retries included) by {@link S3Settings#timeout()} counted from now.
     */
    S3Connection(String bucket, String prefix, S3Settings settings) {
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : stripSlashes(prefix);
        if (!this.prefix.isEmpty()) {
            Destinations.checkKey("s3://" + bucket + "/" + prefix, this.prefix);
        }
        this.settings = settings;
        this.retries = new S3RetryReport(bucket, settings);
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
                        .apiCallTimeout(settings.timeout())
                        .addExecutionInterceptor(retries));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    /** Says on {@code log} when a request is tried again, and why the attempt before failed. */
    void reportRetries(Consumer<String> log) {
        retries.to(log);
    }

    /**
     * Per-request bounds: the attempt timeout, and what is left of the overall timeout; throws when none is left.
     */
    AwsRequestOverrideConfiguration timing(String key) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new StoreException("gave up before the next request for " + describe(key) + ": the overall "
                    + "timeout of the " + settings.operation() + ", " + human(settings.timeout())
                    + S3Settings.Wording.named(settings.wording().timeout()) + ", is"
                    + " spent: S3 endpoint " + settings.describeEndpoint() + " did not answer in time");
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

    /** The bucket key of a store key (checked: no empty, dot or dot-dot segments). */
    String fullKey(String key) {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        if (!k.isEmpty()) {
            try {
                Destinations.checkKey(describe(key), k);
            } catch (io.avalanche.rpm.SpecException e) {
                throw new StoreException(e.getMessage(), e);
            }
        }
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** The store key of a bucket key under the prefix. */
    String relativeKey(String full) {
        return prefix.isEmpty() ? full : full.substring(prefix.length() + 1);
    }

    /** {@code s3://bucket/prefix/key}, for messages. */
    String describe(String key) {
        return "s3://" + bucket + "/" + (prefix.isEmpty() ? key : prefix + "/" + key);
    }

    /** The request's result; empty on 404; other failures translated as failures to {@code what} the key. */
    <T> Optional<T> ifFound(String what, String key, java.util.function.Supplier<T> request) {
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

    /** 412 Precondition Failed, or 409 ConditionalRequestConflict (a concurrent conditional write won). */
    static boolean conditionFailed(SdkException e) {
        return e instanceof S3Exception s && (s.statusCode() == 412 || (s.statusCode() == 409
                && s.awsErrorDetails() != null && "ConditionalRequestConflict".equals(s.awsErrorDetails().errorCode())));
    }

    ConcurrentWriteException concurrent(String key, String what) {
        return new ConcurrentWriteException(describe(key) + " " + what + " while this publish was writing it "
                + "(another publish ran at the same time; S3 refused the conditional write)");
    }

    /** A failure to {@code op} the key, in one line: authentication, permission, bucket, checksum, time or other. */
    StoreException translate(String op, String key, Exception e) {
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
                    + S3Settings.Wording.named(settings.wording().attemptTimeout()) + ", the whole "
                    + settings.operation() + " by " + human(settings.timeout())
                    + S3Settings.Wording.named(settings.wording().timeout()) + "): check "
                    + settings.wording().endpoint() + " and the network", e);
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
