package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.KeyPolicy;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.util.encoders.Hex;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * An unlocked signing-capable RSA key with its public key ring, or a public certificate bound to a key held
 * elsewhere (a PKCS#11 token: {@link DigestSigner}); exports only the public part. Close it to end the token
 * session. Its toString names the key ID and never key material.
 */
public final class SigningKey implements AutoCloseable {
    private final PGPPublicKeyRing publicRing;
    private final PGPPublicKey signingKey;
    private final PGPPrivateKey privateKey;
    private final boolean ephemeral;
    private final DigestSigner remote;

    SigningKey(PGPPublicKeyRing publicRing, PGPPublicKey signingKey, PGPPrivateKey privateKey, boolean ephemeral) {
        this.publicRing = publicRing;
        this.signingKey = signingKey;
        this.privateKey = privateKey;
        this.ephemeral = ephemeral;
        this.remote = null;
    }

    /** A certificate whose signing key's private half is {@code remote}'s (checked by the caller to match). */
    SigningKey(PGPPublicKeyRing publicRing, PGPPublicKey signingKey, DigestSigner remote) {
        this.publicRing = publicRing;
        this.signingKey = signingKey;
        this.privateKey = DigestContentSignerBuilder.placeholder(signingKey);
        this.ephemeral = false;
        this.remote = remote;
    }

    /** True when the private key is held by a token or KMS and only its digest signatures are seen here. */
    public boolean external() {
        return remote != null;
    }

    /** Where the private key is: "key file", "ephemeral" or the token/KMS key's description. */
    public String holder() {
        return remote != null ? remote.describe() : ephemeral ? "ephemeral" : "key file";
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
        return headerSigner(HashAlgorithmTags.SHA256);
    }

    /** A header signer using this key with SHA-256 or SHA-512. */
    public HeaderSigner headerSigner(int hashAlgorithm) {
        return headerSigner(hashAlgorithm, java.time.Clock.systemUTC());
    }

    /** The unlocked private key, for this package's tests only (they prove it is never written anywhere). */
    PGPPrivateKey privateKeyForTests() {
        return privateKey;
    }

    /** A header signer whose signatures carry this clock's time (tests: signatures made in the past). */
    HeaderSigner headerSigner(int hashAlgorithm, java.time.Clock clock) {
        if (remote != null) {
            return new OpenPgpHeaderSigner(signingKey, privateKey,
                    new DigestContentSignerBuilder(remote, signingKey, hashAlgorithm), hashAlgorithm, clock);
        }
        return new OpenPgpHeaderSigner(signingKey, privateKey, hashAlgorithm, clock);
    }

    /** Ends the session with the token or KMS that holds the private key (nothing to do for a key file). */
    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
    }

    /** Writes the public key ring, ASCII-armored, to the stream (the stream stays open). */
    public void exportPublicKey(OutputStream out) throws IOException {
        ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(new NonClosing(out));
        publicRing.encode(armor, true);
        armor.close();
    }

    /**
     * Writes the armored public key to this file, replacing it, and returns the path: a temporary file beside it
     * moved into place when complete (a reader never sees half a key; a failure leaves the old file as it was),
     * with the mode any new file gets (0666 minus the umask). {@link KeyExport#write} keeps what a file holds.
     */
    public Path exportPublicKey(Path file) {
        return KeyExport.of(this, file).overwrite();
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + (ephemeral ? ", ephemeral" : "") + (remote != null ? ", " + remote.describe() : "")
                + "]";
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
