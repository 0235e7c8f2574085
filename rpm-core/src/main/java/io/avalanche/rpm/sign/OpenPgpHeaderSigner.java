package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.KeyPolicy;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;

import java.io.IOException;
import java.time.Clock;
import java.util.Date;

/** Local header signer: OpenPGP v4, RSA, binary document, hashed creation time, issuer fingerprint and key ID. */
final class OpenPgpHeaderSigner implements HeaderSigner {
    private final PGPPublicKey publicKey;
    private final PGPPrivateKey privateKey;
    private final PGPContentSignerBuilder builder;
    private final int hash;
    private final Clock clock;

    OpenPgpHeaderSigner(PGPPublicKey publicKey, PGPPrivateKey privateKey, int hash) {
        this(publicKey, privateKey, hash, Clock.systemUTC());
    }

    OpenPgpHeaderSigner(PGPPublicKey publicKey, PGPPrivateKey privateKey, int hash, Clock clock) {
        this(publicKey, privateKey, new BcPGPContentSignerBuilder(publicKey.getAlgorithm(), hash), hash, clock);
    }

    /** A signer whose private operation is {@code builder}'s (e.g. a token's, see DigestContentSignerBuilder). */
    OpenPgpHeaderSigner(PGPPublicKey publicKey, PGPPrivateKey privateKey, PGPContentSignerBuilder builder, int hash,
                        Clock clock) {
        if (hash != HashAlgorithmTags.SHA256 && hash != HashAlgorithmTags.SHA512) {
            throw new SigningException("header signatures use SHA-256 or SHA-512, not " + KeyPolicy.hashName(hash));
        }
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.builder = builder;
        this.hash = hash;
        this.clock = clock;
    }

    @Override
    public byte[] sign(byte[] mainHeaderBytes) {
        try {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(builder, publicKey);
            gen.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, new Date(clock.millis() / 1000 * 1000));
            hashed.setIssuerFingerprint(false, publicKey);
            hashed.setIssuerKeyID(false, publicKey.getKeyID());
            gen.setHashedSubpackets(hashed.generate());
            gen.update(mainHeaderBytes);
            return gen.generate().getEncoded(true);
        } catch (PGPException | IOException e) {
            throw new SigningException("cannot sign the header with key "
                    + KeyPolicy.keyIdHex(publicKey.getKeyID()) + ": " + e.getMessage(), e);
        }
    }
}
