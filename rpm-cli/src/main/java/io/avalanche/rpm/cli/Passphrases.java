package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;

import java.util.function.Function;

/** Reads a key passphrase from a named environment variable (never from the command line). */
final class Passphrases {
    private Passphrases() {
    }

    /** The passphrase in variable {@code var}, null when no variable is named; refuses an unset variable. */
    static char[] fromEnv(String var, Function<String, String> environment) {
        if (var == null) {
            return null;
        }
        String v = environment.apply(var);
        if (v == null) {
            throw new SpecException("--passphrase-env " + var + ": the environment variable is not set");
        }
        return v.toCharArray();
    }
}
