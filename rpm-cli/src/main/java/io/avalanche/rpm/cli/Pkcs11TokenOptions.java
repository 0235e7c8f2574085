package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** True when any of these options is on the command line. */
    boolean given() {
        return module != null || token != null || key != null || pinEnv != null || pinStdin;
    }

    /** Refuses an incomplete set: module, token and key are all needed, and exactly one PIN source. */
    void requireComplete() {
        if (module == null || token == null || key == null) {
            throw new SpecException("a token key needs --pkcs11-module FILE, --pkcs11-token LABEL and --pkcs11-key LABEL"
                    + " (missing: " + String.join(", ", missing()) + ")");
        }
        if (pinEnv != null == pinStdin) {
            throw new SpecException("give the token's user PIN with exactly one of --pin-env VAR or --pin-stdin");
        }
        if (!Files.isRegularFile(module)) {
            throw new SpecException("--pkcs11-module " + module + ": no such file; give the token's PKCS#11 module"
                    + " (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)");
        }
    }

    /** The PIN from the named variable or the first line of {@code stdin}; the caller clears the array. */
    char[] pin(Function<String, String> environment, InputStream stdin) {
        if (pinEnv != null) {
            String v = environment.apply(pinEnv);
            if (v == null || v.isEmpty()) {
                throw new SpecException("--pin-env " + pinEnv + ": the environment variable is not set");
            }
            return v.toCharArray();
        }
        try {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new SpecException("--pin-stdin: standard input is empty; pipe the PIN in");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PIN from standard input", e);
        }
    }

    private java.util.List<String> missing() {
        java.util.List<String> m = new java.util.ArrayList<>();
        if (module == null) {
            m.add("--pkcs11-module");
        }
        if (token == null) {
            m.add("--pkcs11-token");
        }
        if (key == null) {
            m.add("--pkcs11-key");
        }
        return m;
    }
}
