package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.KeyRequest;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Picocli options naming a key inside a PKCS#11 token and where its user PIN comes from (never the command line). */
final class Pkcs11TokenOptions {
    @Option(names = "--pkcs11-module", paramLabel = "FILE",
            description = "PKCS#11 module (.so) of the token holding the key, e.g. /usr/lib/softhsm/libsofthsm2.so.")
    Path module;

    @Option(names = "--pkcs11-token", paramLabel = "LABEL", description = "Label of the PKCS#11 token.")
    String token;

    @Option(names = "--pkcs11-key", paramLabel = "LABEL", description = "Label (CKA_LABEL) of the key on the token.")
    String key;

    @Option(names = "--pin-env", paramLabel = "VAR", description = "Environment variable holding the token's user PIN.")
    String pinEnv;

    @Option(names = "--pin-stdin", description = "Read the token's user PIN from the first line of standard input.")
    boolean pinStdin;

    /** These options and {@code certificate} as given; rpm-core judges them (KeyRequest.Token). */
    KeyRequest.Token token(Path certificate, Function<String, String> environment, InputStream stdin) {
        List<KeyRequest.Secret> pin = new ArrayList<>();
        if (pinEnv != null) {
            pin.add(Secrets.fromEnv("--pin-env", pinEnv, environment, false));
        }
        if (pinStdin) {
            pin.add(Secrets.fromStdin("--pin-stdin", stdin, false, "standard input is empty; pipe the PIN in"));
        }
        return new KeyRequest.Token(module, token, key, pin, certificate);
    }
}
