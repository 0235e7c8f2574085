package io.avalanche.rpm.sign;

import java.security.interfaces.RSAPublicKey;

/**
 * The private-key operation of a key held elsewhere (a PKCS#11 token, a cloud KMS): an RSA PKCS#1 v1.5
 * signature over a digest computed here. Only the digest travels to the key; never the data, never the key.
 */
public interface DigestSigner extends AutoCloseable {
    /** The RSA public key of the private key that signs (checked against the OpenPGP certificate). */
    RSAPublicKey publicKey();

    /**
     * The RSA signature value (big-endian, as long as the modulus) of a PKCS#1 v1.5 encoded digest.
     *
     * @param hashAlgorithm OpenPGP hash algorithm ID (8 = SHA-256, 10 = SHA-512) the digest was made with
     * @param digest        the digest itself (32 or 64 bytes)
     */
    byte[] sign(int hashAlgorithm, byte[] digest);

    /** Names the key in messages (e.g. "PKCS#11 token 'release' key 'rpm'"); never key material or PINs. */
    String describe();

    /** Releases the session with the key holder. */
    @Override
    default void close() {
    }
}
