package io.avalanche.rpm.sign;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.util.encoders.Hex;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * An unlocked signing-capable RSA key with its public key ring; exports only the public part.
 * Its toString names the key ID and never key material.
 */
public final class SigningKey {
    /** File name the public key is published under unless the caller chooses another. */
    public static final String DEFAULT_PUBLIC_KEY_FILE = "RPM-GPG-KEY-avalanchego";

    private final PGPPublicKeyRing publicRing;
    private final PGPPublicKey signingKey;
    private final PGPPrivateKey privateKey;
    private final boolean ephemeral;

    SigningKey(PGPPublicKeyRing publicRing, PGPPublicKey signingKey, PGPPrivateKey privateKey, boolean ephemeral) {
        this.publicRing = publicRing;
        this.signingKey = signingKey;
        this.privateKey = privateKey;
        this.ephemeral = ephemeral;
    }

    /** ID of the (sub)key that signs, as 16 upper-case hex digits. */
    public String keyId() {
        return KeyPolicy.keyIdHex(signingKey.getKeyID());
    }

    /** Fingerprint of the (sub)key that signs, upper-case hex. */
    public String fingerprint() {
        return Hex.toHexString(signingKey.getFingerprint()).toUpperCase(java.util.Locale.ROOT);
    }

    /** Fingerprint of the primary key (what rpmkeys lists). */
    public String primaryFingerprint() {
        return Hex.toHexString(publicRing.getPublicKey().getFingerprint()).toUpperCase(java.util.Locale.ROOT);
    }

    public boolean ephemeral() {
        return ephemeral;
    }

    public int bits() {
        return signingKey.getBitStrength();
    }

    /** When the signing key (or its primary) stops being valid; empty when it never expires. */
    public Optional<Instant> expiresAt() {
        Optional<Instant> a = KeyPolicy.expiry(signingKey);
        Optional<Instant> b = KeyPolicy.expiry(publicRing.getPublicKey());
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
        }
        return a.isPresent() ? a : b;
    }

    public PGPPublicKeyRing publicKeyRing() {
        return publicRing;
    }

    /** A header signer using this key with SHA-256. */
    public HeaderSigner headerSigner() {
        return new OpenPgpHeaderSigner(signingKey, privateKey, HashAlgorithmTags.SHA256);
    }

    /** A header signer using this key with SHA-256 or SHA-512. */
    public HeaderSigner headerSigner(int hashAlgorithm) {
        return new OpenPgpHeaderSigner(signingKey, privateKey, hashAlgorithm);
    }

    /** The unlocked private key, for this package's tests only (they prove it is never written anywhere). */
    PGPPrivateKey privateKeyForTests() {
        return privateKey;
    }

    /** A header signer whose signatures carry this clock's time (tests: signatures made in the past). */
    HeaderSigner headerSigner(int hashAlgorithm, java.time.Clock clock) {
        return new OpenPgpHeaderSigner(signingKey, privateKey, hashAlgorithm, clock);
    }

    /** Writes the public key ring, ASCII-armored, to the stream (the stream stays open). */
    public void exportPublicKey(OutputStream out) throws IOException {
        ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(new NonClosing(out));
        publicRing.encode(armor, true);
        armor.close();
    }

    /**
     * Writes the armored public key to this file and returns the path: a temporary file beside it moved into
     * place when complete, so a reader never sees half a key and a failure leaves the old file as it was.
     */
    public Path exportPublicKey(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                exportPublicKey(out);
            }
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep its defaults
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the public key: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a hidden temporary file named after the key
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + (ephemeral ? ", ephemeral" : "") + "]";
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
