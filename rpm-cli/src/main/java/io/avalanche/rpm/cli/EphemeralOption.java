package io.avalanche.rpm.cli;

import picocli.CommandLine.Option;

/** Mixin of sign, package and release: sign with a throw-away key instead of the release key. */
final class EphemeralOption {
    @Option(names = "--ephemeral", description = "Sign with a fresh RSA-4096 key that expires in 1 day, exported beside"
            + " the packages (trials only: refused by sign --release and for s3:// destinations).")
    boolean ephemeral;
}
