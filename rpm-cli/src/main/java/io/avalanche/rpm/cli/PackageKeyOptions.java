package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.KeyRequest;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.util.function.Function;

/**
 * Mixin of sign, package and release: the key that signs packages, as {@link KeyOptions} or a throw-away key
 * (--ephemeral). rpm-core decides what the options mean ({@code KeyChoice.of}).
 */
final class PackageKeyOptions extends KeyOptions {
    @Option(names = "--ephemeral", description = "Sign with a fresh RSA-4096 key that expires in 1 day, exported beside"
            + " the packages (trials only: refused by sign --release and for s3:// destinations).")
    boolean ephemeral;

    /** The key options as given. */
    KeyRequest request(Function<String, String> environment, InputStream stdin) {
        return request(ephemeral, null, environment, stdin);
    }
}
