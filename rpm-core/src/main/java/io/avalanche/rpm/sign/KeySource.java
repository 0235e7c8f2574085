package io.avalanche.rpm.sign;

import io.avalanche.rpm.IoErrors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A key that signs packages, as {@link KeyChoice#of} chose it: an armored key file (optional passphrase), an
 * ephemeral key, or a PKCS#11 token holding the private key (with its armored public certificate).
 */
public sealed interface KeySource extends KeyChoice permits KeySource.KeyFile, KeySource.Ephemeral, KeySource.Pkcs11 {

    /** Loads or generates the key; close the key when done (it may hold a token session). */
    SigningKey open();

    boolean ephemeral();

    /** An ASCII-armored secret key file; the passphrase array is cleared after use. */
    record KeyFile(Path file, char[] passphrase) implements KeySource {
        @Override
        public SigningKey open() {
            try (InputStream in = Files.newInputStream(file)) {
                return SigningKeys.load(in, passphrase, file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read the signing key: " + IoErrors.why(e), e);
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
        public String describe() {
            return "key " + file;
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

        @Override
        public String describe() {
            return "ephemeral RSA-" + SigningKeys.EPHEMERAL_BITS + " key, valid one day";
        }
    }

    /**
     * A private key inside a PKCS#11 token: module file, token label, key label (CKA_LABEL), user PIN (cleared
     * after login) and the armored OpenPGP certificate of that key (checked to hold the token's public key).
     */
    record Pkcs11(Path module, String token, String key, char[] pin, Path certificate) implements KeySource {
        @Override
        public SigningKey open() {
            Pkcs11Token t;
            try {
                t = Pkcs11Token.open(module, token, pin, false);
            } finally {
                if (pin != null) {
                    Arrays.fill(pin, '\0');
                }
            }
            try (InputStream in = Files.newInputStream(certificate)) {
                return TokenKeys.bind(in, certificate.toString(), t.signer(key));
            } catch (IOException e) {
                t.close();
                throw new UncheckedIOException(certificate + ": cannot read the certificate: " + IoErrors.why(e), e);
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }

        @Override
        public boolean ephemeral() {
            return false;
        }

        @Override
        public String describe() {
            return "key '" + key + "' on PKCS#11 token '" + token + "'";
        }

        @Override
        public String toString() {
            return "Pkcs11[" + module + ", token " + token + ", key " + key + ", cert " + certificate + "]";
        }
    }
}
