package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.S3Settings;
import picocli.CommandLine.Mixin;
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

    @Mixin
    S3Options s3Options = new S3Options();

    /** The checked destination. */
    Destinations.Destination destination() {
        return Destinations.check(to);
    }

    /** The checked destination URL. */
    String url() {
        return destination().url();
    }

    Layout layout() {
        return Layout.named(layout);
    }

    Duration overall(Map<String, String> environment, String command) {
        return s3(environment, command).timeout();
    }

    S3Settings s3(Map<String, String> environment, String command) {
        return s3Options.settings(environment, command);
    }
}
