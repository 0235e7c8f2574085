package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.KeyRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Mixin of the key options (sign, package, publish, release, prune, yank, unyank): the signing key as a key file (with
 * its passphrase's source) or a PKCS#11 token key with its armored OpenPGP certificate. Declares the options only;
 * what they mean is decided by rpm-core ({@code KeyChoice.of}). Extended by the package key (--ephemeral) and the
 * repository key (--sign-with).
 */
abstract class KeyOptions {
    @Option(names = "--key", paramLabel = "FILE",
            description = "ASCII-armored secret signing key file (publish: the key that signs repodata/repomd.xml).")
    Path key;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @Option(names = "--passphrase-stdin",
            description = "Read the key's passphrase from the first line of standard input.")
    boolean passphraseStdin;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Armored OpenPGP certificate of the token key (rpm-release keygen --export-key); with --pkcs11-*.")
    Path cert;

    @Mixin
    Pkcs11TokenOptions token = new Pkcs11TokenOptions();

    /** The key options as given, plus {@code ephemeral} and a gpg key ID (null: none) from the command's options. */
    KeyRequest request(boolean ephemeral, String gpgKeyId, Function<String, String> environment, InputStream stdin) {
        List<KeyRequest.Secret> passphrase = new ArrayList<>();
        if (passphraseEnv != null) {
            passphrase.add(Secrets.fromEnv("--passphrase-env", passphraseEnv, environment, true));
        }
        if (passphraseStdin) {
            passphrase.add(Secrets.fromStdin("--passphrase-stdin", stdin, true, "standard input is empty"));
        }
        return new KeyRequest(key, ephemeral, passphrase, token.token(cert, environment, stdin), gpgKeyId);
    }
}
