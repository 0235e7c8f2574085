package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.S3Settings;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;

/** Mixin for prune, yank and unyank: the published destination, its layout and the S3 settings. */
final class DestinationOptions {
    @Option(names = "--to", required = true, paramLabel = "DEST",
            description = "The published destination: s3://BUCKET[/prefix] or file:DIR.")
    String to;

    @Option(names = "--layout", paramLabel = "seed|el9", defaultValue = "seed",
            description = "Where the repositories are in DEST: seed (linux/rpms/<arch>/, the default) or el9 "
                    + "(upstream's linux/rpms/rhel/el9/<arch>/, GPG-KEY-avalanchego).")
    String layout = "seed";

    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint (path-style access), e.g. MinIO.")
    String endpoint;

    @Option(names = "--region", paramLabel = "R", description = "AWS region (default: AWS_REGION or us-east-1).")
    String region;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up after this long in total (e.g. 90s, 10m; default 10m).")
    String timeout;

    /** The checked destination URL. */
    String url() {
        return Destinations.check(to).url();
    }

    Layout layout() {
        return Layout.named(layout);
    }

    Duration overall() {
        return PublishCommand.duration("--timeout", timeout, S3Settings.DEFAULT_TIMEOUT);
    }

    S3Settings s3(Map<String, String> environment) {
        return S3Settings.fromEnvironment(environment).withEndpoint(endpoint).withRegion(region)
                .withTimeouts(S3Settings.DEFAULT_ATTEMPT_TIMEOUT, overall());
    }
}
