package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.store.S3Settings;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Mixin of publish, validate and release: how to reach S3 and how long to wait for it. */
final class S3Options {
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "S3 endpoint (path-style access), e.g. MinIO; overrides AWS_ENDPOINT_URL.")
    String endpoint;

    @Option(names = "--region", paramLabel = "R", description = "AWS region (default: AWS_REGION or us-east-1).")
    String region;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up on S3 after this long in total (e.g. 90s, 10m; default 10m).")
    String timeout;

    @Option(names = "--attempt-timeout", paramLabel = "DURATION",
            description = "Bound of one S3 request attempt: connect, send, every read (default 60s).")
    String attemptTimeout;

    /** The whole operation's bound (--timeout, else the default). */
    Duration overall() {
        return duration("--timeout", timeout, S3Settings.DEFAULT_TIMEOUT);
    }

    /** AWS settings from {@code environment}, overridden by these options; messages name {@code command}. */
    S3Settings settings(Map<String, String> environment, String command) {
        return S3Settings.fromEnvironment(environment).withEndpoint(endpoint).withRegion(region)
                .withTimeouts(duration("--attempt-timeout", attemptTimeout, S3Settings.DEFAULT_ATTEMPT_TIMEOUT),
                        overall())
                .withOperation(command);
    }

    /** Parses 90, 90s, 500ms, 10m, 1h or an ISO-8601 duration (PT90S); a usage error otherwise. */
    static Duration duration(String option, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.matches("\\d+(ms|s|m|h)?")) {
                long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
                d = t.endsWith("ms") ? Duration.ofMillis(n) : t.endsWith("m") ? Duration.ofMinutes(n)
                        : t.endsWith("h") ? Duration.ofHours(n) : Duration.ofSeconds(n);
            } else {
                d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
        } catch (RuntimeException e) {
            throw new SpecException(option + " " + text + ": not a duration; write e.g. 90s, 10m or 500ms");
        }
        if (d.isZero() || d.isNegative()) {
            throw new SpecException(option + " " + text + ": must be positive");
        }
        return d;
    }
}
