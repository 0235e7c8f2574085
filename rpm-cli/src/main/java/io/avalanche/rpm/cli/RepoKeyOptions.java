package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.GpgDetachedSigner;
import io.avalanche.rpm.release.KeySource;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Mixin for prune, yank and unyank: the release key that signs the rewritten repodata/repomd.xml (an armored key
 * file, a PKCS#11 token key, or a gpg key), as publish takes it.
 */
final class RepoKeyOptions {
    @Option(names = "--key", paramLabel = "FILE",
            description = "Armored secret release key that signs the rewritten repodata/repomd.xml.")
    Path key;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @Mixin
    Pkcs11Options pkcs11 = new Pkcs11Options();

    @Option(names = "--sign-with", paramLabel = "KEY_ID",
            description = "Alternatively, a gpg key (in GNUPGHOME) that signs repodata/repomd.xml.")
    String signWith;

    /** An open signer, closed with it; {@link #signer()} null when no key option was given. */
    static final class Open implements AutoCloseable {
        private final SigningKey key;
        private final DetachedSigner signer;

        Open(SigningKey key, DetachedSigner signer) {
            this.key = key;
            this.signer = signer;
        }

        DetachedSigner signer() {
            return signer;
        }

        @Override
        public void close() {
            if (key != null) {
                key.close();
            }
        }
    }

    /** Checks the combination and opens the key (a wrong passphrase or PIN fails here, before any change). */
    Open open(Map<String, String> environment, InputStream stdin) {
        if (key != null && signWith != null) {
            throw new SpecException("give either --key FILE or --sign-with KEY_ID, not both");
        }
        if (passphraseEnv != null && key == null) {
            throw new SpecException("--passphrase-env applies only to --key");
        }
        Function<String, String> env = environment::get;
        KeySource token = pkcs11.keySource(key != null ? "--key" : signWith != null ? "--sign-with" : null, env, stdin);
        if (key != null && !Files.isRegularFile(key)) {
            throw new SpecException("--key " + key + ": no such file");
        }
        KeySource source = token != null ? token : key != null
                ? new KeySource.KeyFile(key, Passphrases.fromEnv(passphraseEnv, env)) : null;
        if (source != null) {
            SigningKey k = source.open();
            return new Open(k, RepoSigner.of(k.headerSigner()));
        }
        return new Open(null, signWith != null ? new GpgDetachedSigner(signWith, environment) : null);
    }
}
