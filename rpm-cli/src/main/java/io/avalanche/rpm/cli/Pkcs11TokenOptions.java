package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.KeyRequest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The options naming a key inside a PKCS#11 token and where its user PIN comes from (never the command line), declared
 * through picocli's model API ({@link CommandModel}).
 */
final class Pkcs11TokenOptions {
    private OptionSpec module;
    private OptionSpec token;
    private OptionSpec key;
    private OptionSpec pinEnv;
    private OptionSpec pinStdin;

    /** Adds the options to the command {@code s}. */
    void declare(CommandSpec s) {
        module = CommandModel.add(s, CommandModel.option(Path.class, "FILE", "PKCS#11 module (.so) of the token"
                + " holding the key, e.g. /usr/lib/softhsm/libsofthsm2.so.", "--pkcs11-module"));
        token = CommandModel.add(s, CommandModel.option(String.class, "LABEL", "Label of the PKCS#11 token.",
                "--pkcs11-token"));
        key = CommandModel.add(s, CommandModel.option(String.class, "LABEL",
                "Label (CKA_LABEL) of the key on the token.", "--pkcs11-key"));
        pinEnv = CommandModel.add(s, CommandModel.option(String.class, "VAR",
                "Environment variable holding the token's user PIN.", "--pin-env"));
        pinStdin = CommandModel.add(s, CommandModel.flag(
                "Read the token's user PIN from the first line of standard input.", "--pin-stdin"));
    }

    /** These options and {@code certificate} as given; rpm-core judges them (KeyRequest.Token). */
    KeyRequest.Token token(Path certificate, Function<String, String> environment, InputStream stdin) {
        List<KeyRequest.Secret> pin = new ArrayList<>();
        String variable = pinEnv.getValue();
        if (variable != null) {
            pin.add(Secrets.fromEnv("--pin-env", variable, environment, false));
        }
        if (CommandModel.isSet(pinStdin)) {
            pin.add(Secrets.fromStdin("--pin-stdin", stdin, false, "standard input is empty; pipe the PIN in"));
        }
        return new KeyRequest.Token(module.getValue(), token.getValue(), key.getValue(), pin, certificate);
    }
}
