package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.KeyPolicy;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bouncy Castle content signer whose private operation is a {@link DigestSigner}: hashes here, sends only the
 * digest away, and checks the returned RSA signature against the certificate's public key before using it.
 */
final class DigestContentSignerBuilder implements PGPContentSignerBuilder {
    private final DigestSigner signer;
    private final PGPPublicKey publicKey;
    private final java.security.interfaces.RSAPublicKey rsaKey;
    private final int hash;

    DigestContentSignerBuilder(DigestSigner signer, PGPPublicKey publicKey, int hash) {
        this.signer = signer;
        this.publicKey = publicKey;
        this.rsaKey = signer.publicKey();
        this.hash = hash;
    }

    /** The placeholder private key BC's generator is initialised with: it names the key, holds no material. */
    static PGPPrivateKey placeholder(PGPPublicKey publicKey) {
        return new PGPPrivateKey(publicKey.getKeyID(), publicKey.getPublicKeyPacket(), null);
    }

    @Override
    public PGPContentSigner build(int signatureType, PGPPrivateKey privateKey) {
        MessageDigest md = newDigest(hash);
        return new PGPContentSigner() {
            private byte[] digest;
            private byte[] signature;

            @Override
            public OutputStream getOutputStream() {
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        md.update((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        md.update(b, off, len);
                    }
                };
            }

            @Override
            public byte[] getSignature() {
                if (signature == null) {
                    byte[] d = getDigest();
                    byte[] s = signer.sign(hash, d);
                    if (!Pkcs1.verifies(rsaKey, hash, d, s)) {
                        throw new SigningException(signer.describe() + " returned a signature that does not verify"
                                + " with its public key; nothing was signed");
                    }
                    signature = s;
                }
                return signature;
            }

            @Override
            public byte[] getDigest() {
                if (digest == null) {
                    digest = md.digest();
                }
                return digest;
            }

            @Override
            public int getType() {
                return signatureType;
            }

            @Override
            public int getHashAlgorithm() {
                return hash;
            }

            @Override
            public int getKeyAlgorithm() {
                return publicKey.getAlgorithm();
            }

            @Override
            public long getKeyID() {
                return publicKey.getKeyID();
            }
        };
    }

    private static MessageDigest newDigest(int hash) {
        try {
            return MessageDigest.getInstance(switch (hash) {
                case HashAlgorithmTags.SHA256 -> "SHA-256";
                case HashAlgorithmTags.SHA512 -> "SHA-512";
                default -> throw new SigningException("token signatures use SHA-256 or SHA-512, not "
                        + KeyPolicy.hashName(hash));
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-2 missing from the JDK", e);
        }
    }
}
