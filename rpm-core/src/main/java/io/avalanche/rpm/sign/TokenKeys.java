package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.SpecException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.RSAPublicBCPGKey;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

import java.io.IOException;
import java.io.InputStream;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;

/**
 * Keys whose private half lives in a token or KMS: binds an OpenPGP certificate to a {@link DigestSigner}
 * (refusing a certificate whose RSA key is not the token's), and certifies a fresh token key (keygen).
 */
public final class TokenKeys {
    /** The longest validity an OpenPGP key expiration time holds: 2^32 - 1 seconds after creation (~136 years). */
    public static final Duration MAX_VALIDITY = Duration.ofSeconds(0xFFFFFFFFL);

    private TokenKeys() {
    }

    /**
     * The signing key of certificate {@code cert} whose private operations {@code signer} makes. The certificate's
     * signing-capable RSA (sub)key must have exactly the signer's modulus and exponent, else a SpecException
     * (exit 2: the arguments name a certificate and a key that do not belong together).
     */
    public static SigningKey bind(InputStream cert, String certSource, DigestSigner signer) {
        return bind(cert, certSource, signer, Clock.systemUTC());
    }

    static SigningKey bind(InputStream cert, String certSource, DigestSigner signer, Clock clock) {
        RSAPublicKey token = signer.publicKey();
        List<String> seen = new ArrayList<>();
        for (PGPPublicKeyRing ring : readRings(cert, certSource)) {
            PGPPublicKey primary = ring.getPublicKey();
            for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
                PGPPublicKey k = it.next();
                seen.add(KeyPolicy.keyIdHex(k.getKeyID()));
                if (!sameRsaKey(k, token)) {
                    continue;
                }
                if (!KeyPolicy.canSign(primary, k)) {
                    throw new SigningException(certSource + ": key " + KeyPolicy.keyIdHex(k.getKeyID()) + " matches "
                            + signer.describe() + " but its certificate does not allow signing (key flag S)");
                }
                List<String> problems = KeyPolicy.problems(primary, k, clock.instant());
                if (!problems.isEmpty()) {
                    throw new SigningException(certSource + ": " + String.join("; ", problems));
                }
                List<PGPPublicKey> keys = new ArrayList<>();
                ring.getPublicKeys().forEachRemaining(keys::add);
                return new SigningKey(new PGPPublicKeyRing(keys), k, signer);
            }
        }
        throw new SpecException(certSource + ": the certificate (keys " + String.join(", ", seen) + ") does not belong"
                + " to " + signer.describe() + " (RSA-" + token.getModulus().bitLength() + " public key differs);"
                + " give the certificate exported by rpm-release keygen for this key, or the right --pkcs11-key");
    }

    /**
     * A v4 certificate for the signer's RSA key: primary key created now, one user ID, a SHA-256 positive
     * self-certification (flags certify + sign, preferred SHA-256/SHA-512) made by the signer, expiring after
     * {@code validity} (null: never).
     */
    public static PGPPublicKeyRing certify(DigestSigner signer, String userId, Duration validity, Clock clock) {
        if (userId == null || userId.isBlank()) {
            throw new SpecException("--user-id: give the key's user ID, e.g. 'Release Team <release@example.com>'");
        }
        if (validity != null && (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0)) {
            // Bouncy Castle writes only the low 32 bits: a longer validity would expire at an arbitrary time
            throw new SpecException("a key validity of " + validity.toDays() + " days is outside what an OpenPGP key "
                    + "expiration time holds (1 second to " + MAX_VALIDITY.toDays() + " days, ~136 years); give one "
                    + "in that range, or never");
        }
        Date created = new Date(clock.millis() / 1000 * 1000);
        RSAPublicKey rsa = signer.publicKey();
        try {
            PGPPublicKey key = new PGPPublicKey(new PublicKeyPacket(PublicKeyPacket.VERSION_4,
                    PublicKeyAlgorithmTags.RSA_GENERAL, created,
                    new RSAPublicBCPGKey(rsa.getModulus(), rsa.getPublicExponent())), new BcKeyFingerprintCalculator());
            PGPSignatureSubpacketGenerator h = new PGPSignatureSubpacketGenerator();
            h.setSignatureCreationTime(false, created);
            h.setIssuerFingerprint(false, key);
            h.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            if (validity != null) {
                h.setKeyExpirationTime(false, validity.toSeconds());
            }
            h.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512});
            h.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
            h.setPrimaryUserID(false, true);
            PGPSignatureSubpacketGenerator u = new PGPSignatureSubpacketGenerator();
            u.setIssuerKeyID(false, key.getKeyID());
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new DigestContentSignerBuilder(signer, key, HashAlgorithmTags.SHA256), key);
            gen.init(PGPSignature.POSITIVE_CERTIFICATION, DigestContentSignerBuilder.placeholder(key));
            gen.setHashedSubpackets(h.generate());
            gen.setUnhashedSubpackets(u.generate());
            PGPSignature cert = gen.generateCertification(userId, key);
            return new PGPPublicKeyRing(List.of(PGPPublicKey.addCertification(key, userId, cert)));
        } catch (PGPException e) {
            throw new SigningException("cannot certify " + signer.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * keygen: generates an RSA key of {@code bits} on the open token (sensitive, not extractable), certifies it
     * for {@code userId} with a self-signature made by the token, and returns it bound to the token. Closing the
     * returned key closes {@code token}.
     */
    public static SigningKey generate(Pkcs11Token token, String keyLabel, int bits, String userId, Duration validity,
                                      Clock clock) {
        if (userId == null || userId.isBlank()) {
            throw new SpecException("--user-id: give the key's user ID, e.g. 'Release Team <release@example.com>'");
        }
        Pkcs11Token.Key k = token.generateRsaKey(keyLabel, bits);
        if (!k.sensitive() || k.extractable()) {
            throw new SigningException("PKCS#11 token '" + token.label() + "' created key '" + keyLabel + "' without"
                    + " CKA_SENSITIVE=true / CKA_EXTRACTABLE=false; delete it on the token: it must not be a release key");
        }
        DigestSigner signer = token.signer(keyLabel);
        PGPPublicKeyRing ring = certify(signer, userId, validity, clock);
        PGPPublicKey pk = ring.getPublicKey();
        return new SigningKey(ring, pk, signer);
    }

    private static boolean sameRsaKey(PGPPublicKey k, RSAPublicKey token) {
        if (!KeyPolicy.isRsa(k.getAlgorithm())
                || !(k.getPublicKeyPacket().getKey() instanceof RSAPublicBCPGKey rsa)) {
            return false;
        }
        return rsa.getModulus().equals(token.getModulus()) && rsa.getPublicExponent().equals(token.getPublicExponent());
    }

    private static List<PGPPublicKeyRing> readRings(InputStream in, String source) {
        try {
            PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(PGPUtil.getDecoderStream(in),
                    new BcKeyFingerprintCalculator());
            List<PGPPublicKeyRing> rings = new ArrayList<>();
            c.getKeyRings().forEachRemaining(rings::add);
            if (rings.isEmpty()) {
                throw new SpecException(source + ": no OpenPGP public key found; give the armored certificate"
                        + " (rpm-release keygen --export-key, or gpg --armor --export KEYID)");
            }
            return rings;
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof SpecException s) {
                throw s;
            }
            throw new SpecException(source + ": not an OpenPGP public certificate (" + e.getClass().getSimpleName()
                    + "); give the armored public key (rpm-release keygen --export-key, or gpg --armor --export KEYID)",
                    e);
        }
    }
}
