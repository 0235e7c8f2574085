package io.avalanche.rpm.store;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach S3: credentials, region, endpoint, profile and transfer tuning. Built from the variables
 * pipeline-aws's {@code withAWS} sets (passed in by the caller, never read from the process here);
 * explicit values override them. {@code wording} is how messages name the operation the timeouts bound and the
 * settings a user can change (a command's options, or none in a pipeline step). toString never shows secrets.
 */
public record S3Settings(String accessKeyId, String secretAccessKey, String sessionToken, String region,
                         URI endpoint, String profile, long multipartThreshold, long partSize, int parallelism,
                         int maxAttempts, Duration attemptTimeout, Duration timeout, Wording wording) {
    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L << 20;
    public static final long DEFAULT_PART_SIZE = 16L << 20;
    public static final long MIN_PART_SIZE = 5L << 20;
    /** Default bound of one HTTP attempt (connect, send, first byte and every read). */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(60);
    /** Default bound of a whole publish or download against S3, retries included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public S3Settings {
        if (partSize < MIN_PART_SIZE) {
            throw new StoreException("S3 part size " + partSize + " is below S3's minimum of 5 MiB");
        }
        if (region != null && !region.matches("[A-Za-z0-9._-]{1,64}")) {
            // it becomes part of host names and of every request's signature scope
            throw new StoreException("region '" + region + "' is not a region name: give e.g. us-east-1");
        }
        if (parallelism < 1 || maxAttempts < 1) {
            throw new StoreException("S3 parallelism and max attempts must be at least 1");
        }
        attemptTimeout = attemptTimeout == null ? DEFAULT_ATTEMPT_TIMEOUT : attemptTimeout;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        wording = wording == null ? Wording.cli("publish") : wording;
        if (attemptTimeout.isNegative() || attemptTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new io.avalanche.rpm.SpecException("S3 timeouts must be positive (got attempt " + attemptTimeout
                    + ", overall " + timeout + ")");
        }
    }

    /** Defaults only: no credentials (SDK profile/instance chain), us-east-1, AWS endpoint. */
    public static S3Settings defaults() {
        return new S3Settings(null, null, null, null, null, null, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE,
                4, 6, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_TIMEOUT, null);
    }

    /**
     * From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (else AWS_DEFAULT_REGION),
     * AWS_ENDPOINT_URL and AWS_PROFILE; blank values count as absent.
     */
    public static S3Settings fromEnvironment(Map<String, String> env) {
        S3Settings d = defaults();
        String region = value(env, "AWS_REGION");
        if (region == null) {
            region = value(env, "AWS_DEFAULT_REGION");
        }
        String endpoint = value(env, "AWS_ENDPOINT_URL");
        return new S3Settings(value(env, "AWS_ACCESS_KEY_ID"), value(env, "AWS_SECRET_ACCESS_KEY"),
                value(env, "AWS_SESSION_TOKEN"), region, endpoint == null ? null : endpoint(endpoint),
                value(env, "AWS_PROFILE"), d.multipartThreshold, d.partSize, d.parallelism, d.maxAttempts,
                d.attemptTimeout, d.timeout, null);
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static URI endpoint(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            u = URI.create("invalid:x");
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new StoreException("endpoint '" + url + "' is not a URL: give e.g. http://127.0.0.1:9000");
        }
        if (!u.getScheme().equalsIgnoreCase("http") && !u.getScheme().equalsIgnoreCase("https")) {
            // the SDK fails such a request only when it is sent, and retries it
            throw new StoreException("endpoint '" + url + "' is not an http:// or https:// URL: give e.g. "
                    + "http://127.0.0.1:9000");
        }
        return u;
    }

    public S3Settings withRegion(String r) {
        return r == null ? this : new S3Settings(accessKeyId, secretAccessKey, sessionToken, r, endpoint, profile,
                multipartThreshold, partSize, parallelism, maxAttempts, attemptTimeout, timeout, wording);
    }

    public S3Settings withEndpoint(String url) {
        return url == null ? this : new S3Settings(accessKeyId, secretAccessKey, sessionToken, region,
                endpoint(url), profile, multipartThreshold, partSize, parallelism, maxAttempts, attemptTimeout,
                timeout, wording);
    }

    public S3Settings withCredentials(String id, String secret, String token) {
        return new S3Settings(id, secret, token, region, endpoint, profile, multipartThreshold, partSize,
                parallelism, maxAttempts, attemptTimeout, timeout, wording);
    }

    public S3Settings withProfile(String p) {
        return p == null ? this : new S3Settings(accessKeyId, secretAccessKey, sessionToken, region, endpoint, p,
                multipartThreshold, partSize, parallelism, maxAttempts, attemptTimeout, timeout, wording);
    }

    public S3Settings withMultipart(long threshold, long part, int threads) {
        return new S3Settings(accessKeyId, secretAccessKey, sessionToken, region, endpoint, profile, threshold,
                part, threads, maxAttempts, attemptTimeout, timeout, wording);
    }

    public S3Settings withMaxAttempts(int n) {
        return new S3Settings(accessKeyId, secretAccessKey, sessionToken, region, endpoint, profile,
                multipartThreshold, partSize, parallelism, n, attemptTimeout, timeout, wording);
    }

    /**
     * Bounds each HTTP attempt ({@code attempt}) and the whole operation ({@code overall}, every call and retry of a
     * publish); null keeps the current value.
     */
    public S3Settings withTimeouts(Duration attempt, Duration overall) {
        return new S3Settings(accessKeyId, secretAccessKey, sessionToken, region, endpoint, profile,
                multipartThreshold, partSize, parallelism, maxAttempts, attempt == null ? attemptTimeout : attempt,
                overall == null ? timeout : overall, wording);
    }

    /**
     * As these settings, with the timeouts named after {@code command} in messages ("the whole validate") and the
     * settings after the command line's options.
     */
    public S3Settings withOperation(String command) {
        return withWording(Wording.cli(command));
    }

    /** As these settings, worded in messages as {@code w} says. */
    public S3Settings withWording(Wording w) {
        return new S3Settings(accessKeyId, secretAccessKey, sessionToken, region, endpoint, profile,
                multipartThreshold, partSize, parallelism, maxAttempts, attemptTimeout, timeout, w);
    }

    /** The operation the timeouts bound, as messages name it ("publish", "validate", "rpmPublish"). */
    public String operation() {
        return wording.operation();
    }

    /**
     * How messages name the operation and the settings its user can change: the command line's options
     * ({@link #cli}), or none but the environment's endpoint variable where the timeouts are fixed ({@link #fixed}).
     * A null name leaves the setting unnamed.
     */
    public record Wording(String operation, String attemptTimeout, String timeout, String endpoint) {
        public Wording {
            operation = operation == null || operation.isBlank() ? "publish" : operation;
        }

        /** The CLI's: --attempt-timeout, --timeout, --endpoint / AWS_ENDPOINT_URL. */
        public static Wording cli(String command) {
            return new Wording(command, "--attempt-timeout", "--timeout", "--endpoint / AWS_ENDPOINT_URL");
        }

        /** A front end with fixed timeouts whose endpoint comes from AWS_ENDPOINT_URL (the Pipeline steps). */
        public static Wording fixed(String operation) {
            return new Wording(operation, null, null, "AWS_ENDPOINT_URL");
        }

        /** " (NAME)" for a named setting, "" otherwise. */
        static String named(String name) {
            return name == null ? "" : " (" + name + ")";
        }
    }

    /** The endpoint requests go to, for messages. */
    public String describeEndpoint() {
        return endpoint != null ? endpoint.toString() : "https://s3." + effectiveRegion() + ".amazonaws.com";
    }

    /** Region to use: the configured one, else us-east-1. */
    public String effectiveRegion() {
        return region == null ? "us-east-1" : region;
    }

    /** Path-style addressing is used whenever an endpoint is set (S3Proxy, MinIO, ...). */
    public boolean pathStyle() {
        return endpoint != null;
    }

    @Override
    public String toString() {
        return "S3Settings[accessKeyId=" + (accessKeyId == null ? "-" : "set") + ", secret="
                + (secretAccessKey == null ? "-" : "set") + ", sessionToken=" + (sessionToken == null ? "-" : "set")
                + ", region=" + effectiveRegion() + ", endpoint=" + endpoint + ", profile=" + profile
                + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize + ", parallelism="
                + parallelism + ", maxAttempts=" + maxAttempts + ", attemptTimeout=" + attemptTimeout + ", timeout="
                + timeout + ", operation=" + operation() + "]";
    }
}
