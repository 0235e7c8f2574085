package io.avalanche.rpm.release;

import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Where the release signing key comes from: an armored key file (optional passphrase) or an ephemeral key. */
public sealed interface KeySource permits KeySource.KeyFile, KeySource.Ephemeral {

    /** Loads or generates the key. */
    SigningKey open();

    boolean ephemeral();

    /** An ASCII-armored secret key file; the passphrase array is cleared after use. */
    record KeyFile(Path file, char[] passphrase) implements KeySource {
        @Override
        public SigningKey open() {
            try (InputStream in = Files.newInputStream(file)) {
                return SigningKeys.load(in, passphrase, file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read the signing key: " + e.getMessage(), e);
            } finally {
                if (passphrase != null) {
                    Arrays.fill(passphrase, '\0');
                }
            }
        }

        @Override
        public boolean ephemeral() {
            return false;
        }

        @Override
        public String toString() {
            return "KeyFile[" + file + "]";
        }
    }

    /** A fresh in-memory RSA-4096 key valid for one day: for local runs and pull-request builds only. */
    record Ephemeral() implements KeySource {
        @Override
        public SigningKey open() {
            return SigningKeys.ephemeral();
        }

        @Override
        public boolean ephemeral() {
            return true;
        }
    }
}
