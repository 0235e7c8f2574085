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
 * Mixin of sign, package, publish and release: the signing key as a key file (with its passphrase's source) or a
 * PKCS#11 token key. Declares the options only; what they mean is decided by rpm-core ({@code KeyChoice.of}).
 */
final class KeyOptions {
    @Option(names = "--key", paramLabel = "FILE",
            description = "ASCII-armored secret signing key file (publish: the key that signs repodata/repomd.xml).")
    Path key;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @Option(names = "--passphrase-stdin",
            description = "Read the key's passphrase from the first line of standard input.")
    boolean passphraseStdin;

    @Mixin
    Pkcs11Options pkcs11 = new Pkcs11Options();

    /** The key options as given, plus {@code ephemeral} and a gpg key ID (null: none) from the command's options. */
    KeyRequest request(boolean ephemeral, String gpgKeyId, Function<String, String> environment, InputStream stdin) {
        List<KeyRequest.Secret> passphrase = new ArrayList<>();
        if (passphraseEnv != null) {
            passphrase.add(Secrets.fromEnv("--passphrase-env", passphraseEnv, environment, true));
        }
        if (passphraseStdin) {
            passphrase.add(Secrets.fromStdin("--passphrase-stdin", stdin, true, "standard input is empty"));
        }
        return new KeyRequest(key, ephemeral, passphrase, pkcs11.token(environment, stdin), gpgKeyId);
    }
}
