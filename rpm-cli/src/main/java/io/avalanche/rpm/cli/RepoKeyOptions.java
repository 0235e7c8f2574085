package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.GpgDetachedSigner;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.KeyChoice;
import io.avalanche.rpm.sign.KeyPurpose;
import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.store.Destinations;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The key options of publish, prune, yank and unyank: the release key that signs repodata/repomd.xml (an armored key
 * file, a PKCS#11 token key, or a gpg key). rpm-core decides what the options mean ({@code KeyChoice.of}).
 */
final class RepoKeyOptions extends KeyOptions {
    private OptionSpec signWith;

    @Override
    void declare(CommandSpec s) {
        super.declare(s);
        signWith = CommandModel.add(s, CommandModel.option(String.class, "KEY_ID",
                "Alternatively, a gpg key (in GNUPGHOME) that signs repodata/repomd.xml.", "--sign-with"));
    }

    /** An open signer and its key, closed with it (no key for a gpg signer; neither without a key option). */
    record Open(SigningKey key, DetachedSigner signer) implements AutoCloseable {
        /** No key: repodata/repomd.xml stays unsigned (and nothing is opened). */
        static Open none() {
            return new Open(null, null);
        }

        @Override
        public void close() {
            if (key != null) {
                key.close();
            }
        }
    }

    /**
     * Checks the combination for writing {@code dest} and opens the key (a wrong passphrase or PIN fails here, before
     * any change).
     */
    Open open(Destinations.Destination dest, Map<String, String> environment, InputStream stdin) {
        Optional<KeyChoice> choice = KeyChoice.of(request(false, signWith.getValue(), environment::get, stdin),
                KeyPurpose.publish(dest.url(), dest.s3()));
        if (choice.orElse(null) instanceof KeySource k) {
            SigningKey key = k.open();
            return new Open(key, RepoSigner.of(key.headerSigner()));
        }
        return new Open(null, choice.orElse(null) instanceof KeyChoice.GpgAgent g
                ? new GpgDetachedSigner(g.keyId(), environment) : null);
    }
}
