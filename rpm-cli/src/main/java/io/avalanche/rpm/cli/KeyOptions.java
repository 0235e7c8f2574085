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
 * The key options (sign, package, publish, release, prune, yank, unyank): the signing key as a key file (with its
 * passphrase's source) or a PKCS#11 token key with its armored OpenPGP certificate. Declares the options only (through
 * picocli's model API, {@link CommandModel}); what they mean is decided by rpm-core ({@code KeyChoice.of}). Extended
 * by the package key (--ephemeral) and the repository key (--sign-with).
 */
abstract class KeyOptions {
    private OptionSpec key;
    private OptionSpec passphraseEnv;
    private OptionSpec passphraseStdin;
    private OptionSpec cert;
    private final Pkcs11TokenOptions token = new Pkcs11TokenOptions();

    /** Adds the options to the command {@code s}. */
    void declare(CommandSpec s) {
        key = CommandModel.add(s, CommandModel.option(Path.class, "FILE", "ASCII-armored secret signing key file"
                + " (publish: the key that signs repodata/repomd.xml).", "--key"));
        passphraseEnv = CommandModel.add(s, CommandModel.option(String.class, "VAR",
                "Environment variable holding the key's passphrase.", "--passphrase-env"));
        passphraseStdin = CommandModel.add(s, CommandModel.flag(
                "Read the key's passphrase from the first line of standard input.", "--passphrase-stdin"));
        cert = CommandModel.add(s, CommandModel.option(Path.class, "FILE", "Armored OpenPGP certificate of the token"
                + " key (rpm-release keygen --export-key); with --pkcs11-*.", "--cert"));
        token.declare(s);
    }

    /** The key options as given, plus {@code ephemeral} and a gpg key ID (null: none) from the command's options. */
    KeyRequest request(boolean ephemeral, String gpgKeyId, Function<String, String> environment, InputStream stdin) {
        List<KeyRequest.Secret> passphrase = new ArrayList<>();
        String variable = passphraseEnv.getValue();
        if (variable != null) {
            passphrase.add(Secrets.fromEnv("--passphrase-env", variable, environment, true));
        }
        if (CommandModel.isSet(passphraseStdin)) {
            passphrase.add(Secrets.fromStdin("--passphrase-stdin", stdin, true, "standard input is empty"));
        }
        return new KeyRequest(key.getValue(), ephemeral, passphrase,
                token.token(cert.getValue(), environment, stdin), gpgKeyId);
    }
}
