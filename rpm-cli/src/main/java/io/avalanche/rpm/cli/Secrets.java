package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.sign.KeyRequest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Where a passphrase or PIN comes from: a named environment variable or standard input, never the command line. */
final class Secrets {
    private Secrets() {
    }

    /**
     * The secret in variable {@code var}, read when needed; an unset variable (or an empty one, unless
     * {@code emptyAllowed}) is refused then.
     */
    static KeyRequest.Secret fromEnv(String option, String var, Function<String, String> environment,
                                     boolean emptyAllowed) {
        return new KeyRequest.Secret(option, () -> {
            String v = environment.apply(var);
            if (v == null || v.isEmpty() && !emptyAllowed) {
                throw new SpecException(option + " " + var + ": the environment variable is not set");
            }
            return v.toCharArray();
        });
    }

    /** The first line of {@code stdin}, read when needed; {@code empty} is the refusal when there is none. */
    static KeyRequest.Secret fromStdin(String option, InputStream stdin, boolean emptyAllowed, String empty) {
        return new KeyRequest.Secret(option, () -> {
            try {
                // not closed: the stream is the process's standard input, which the caller owns
                String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty() && !emptyAllowed) {
                    throw new SpecException(option + ": " + empty);
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + option + " from standard input", e);
            }
        });
    }
}
