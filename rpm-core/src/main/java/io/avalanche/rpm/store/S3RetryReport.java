package io.avalanche.rpm.store;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Says when an S3 request is tried again, and why the attempt before failed as far as it is known (an HTTP status,
 * no answer within the attempt timeout, or a connection that failed sooner): a silent or failing endpoint is
 * otherwise quiet until the whole operation's timeout (10 minutes by default) is spent.
 */
final class S3RetryReport implements ExecutionInterceptor {
    private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("rpm-release.attempt");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("rpm-release.attempt-started");
    private static final ExecutionAttribute<Integer> STATUS = new ExecutionAttribute<>("rpm-release.attempt-status");

    private final String bucket;
    private final S3Settings settings;
    private volatile Consumer<String> log = line -> { };

    S3RetryReport(String bucket, S3Settings settings) {
        this.bucket = bucket;
        this.settings = settings;
    }

    /** Where the lines go from now on. */
    void to(Consumer<String> sink) {
        log = sink == null ? line -> { } : sink;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Integer previous = attributes.getAttribute(ATTEMPT);
        int attempt = previous == null ? 1 : previous + 1;
        long now = System.nanoTime();
        if (previous != null) {
            Long started = attributes.getAttribute(STARTED);
            Integer status = attributes.getAttribute(STATUS);
            double seconds = started == null ? 0 : (now - started) / 1e9;
            String why = status != null && status > 0 ? "HTTP " + status
                    : seconds >= settings.attemptTimeout().toMillis() / 1000.0 * 0.95
                    ? "no answer within " + settings.attemptTimeout().toSeconds() + "s"
                    + S3Settings.Wording.named(settings.wording().attemptTimeout())
                    : String.format(Locale.ROOT, "no answer: the connection failed after %.1fs", seconds);
            log.accept("S3 endpoint " + settings.describeEndpoint() + ": " + context.httpRequest().method() + " "
                    + object(context.httpRequest().encodedPath()) + ": " + why + " (attempt " + previous + " of "
                    + settings.maxAttempts() + "); trying again");
        }
        attributes.putAttribute(ATTEMPT, attempt);
        attributes.putAttribute(STARTED, now);
        attributes.putAttribute(STATUS, 0);   // no answer yet
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(STATUS, context.httpResponse().statusCode());
    }

    /** s3://bucket/key of a request path, path-style (/bucket/key) or virtual-hosted (/key). */
    private String object(String path) {
        String p = path == null ? "" : path;
        String bucketPath = "/" + bucket;
        String key = p.equals(bucketPath) || p.startsWith(bucketPath + "/") ? p.substring(bucketPath.length()) : p;
        return "s3://" + bucket + (key.isEmpty() || key.equals("/") ? "" : key);
    }
}
