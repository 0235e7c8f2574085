package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.Armor;
import io.avalanche.rpm.pgp.KeyPolicy;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;

/** Loads an armored secret key or generates an ephemeral one; refuses keys RHEL 9 would reject. */
public final class SigningKeys {
    public static final String EPHEMERAL_USER_ID = "rpm-release ephemeral key (expires in 1 day)";
    public static final Duration EPHEMERAL_LIFETIME = Duration.ofDays(1);
    public static final int EPHEMERAL_BITS = 4096;

    private SigningKeys() {
    }

    /**
     * Reads an ASCII-armored (or binary) secret key ring and unlocks its newest usable signing-capable
     * (sub)key. {@code source} names the key in messages (a file name, a credential ID); the
     * passphrase may be null or empty for an unprotected key.
     */
    public static SigningKey load(InputStream armored, char[] passphrase, String source) {
        return load(armored, passphrase, source, Clock.systemUTC());
    }

    static SigningKey load(InputStream armored, char[] passphrase, String source, Clock clock) {
        PGPSecretKeyRingCollection rings = readRings(armored, source);
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        List<PGPSecretKey> usable = new ArrayList<>();
        PGPSecretKeyRing usableRing = null;
        boolean anySigning = false;
        for (Iterator<PGPSecretKeyRing> rit = rings.getKeyRings(); rit.hasNext() && usable.isEmpty(); ) {
            PGPSecretKeyRing ring = rit.next();
            PGPPublicKey primary = ring.getPublicKey();
            for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
                PGPSecretKey sk = it.next();
                PGPPublicKey pk = sk.getPublicKey();
                if (sk.isPrivateKeyEmpty() || !KeyPolicy.canSign(primary, pk)) {
                    continue;
                }
                anySigning = true;
                List<String> p = KeyPolicy.problems(primary, pk, now);
                if (p.isEmpty()) {
                    usable.add(sk);
                    usableRing = ring;
                } else {
                    problems.addAll(p);
                }
            }
        }
        if (usable.isEmpty()) {
            if (!anySigning) {
                throw new SigningException(source + ": no secret key with signing capability (key flag S);"
                        + " export the signing subkey's secret part (gpg --export-secret-subkeys KEYID!)");
            }
            throw new SigningException(source + ": no usable signing key: " + String.join("; ", problems));
        }
        PGPSecretKey chosen = usable.stream()
                .max(Comparator.comparing(k -> k.getPublicKey().getCreationTime())).orElseThrow();
        PGPPrivateKey priv = unlock(chosen, passphrase, source);
        return new SigningKey(publicRing(usableRing), chosen.getPublicKey(), priv, false);
    }

    private static PGPSecretKeyRingCollection readRings(InputStream in, String source) {
        try {
            PGPSecretKeyRingCollection rings = new PGPSecretKeyRingCollection(
                    Armor.binary(in.readNBytes(16 << 20)), new BcKeyFingerprintCalculator());
            if (rings.size() == 0) {
                throw new SigningException(source + ": no secret key found; give an armored secret key"
                        + " (gpg --armor --export-secret-keys KEYID)");
            }
            return rings;
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof SigningException s) {
                throw s;
            }
            throw new SigningException(source + ": not an OpenPGP secret key (" + e.getClass().getSimpleName()
                    + "); give an armored secret key (gpg --armor --export-secret-keys KEYID)", e);
        }
    }

    private static PGPPrivateKey unlock(PGPSecretKey sk, char[] passphrase, String source) {
        String id = KeyPolicy.keyIdHex(sk.getKeyID());
        boolean protectedKey = sk.getKeyEncryptionAlgorithm() != SymmetricKeyAlgorithmTags.NULL;
        boolean none = passphrase == null || passphrase.length == 0;
        if (protectedKey && none) {
            throw new SigningException(source + ": key " + id + " is protected by a passphrase and none was given;"
                    + " pass it with --passphrase-env VAR or --passphrase-stdin (or a Secret-text credential)");
        }
        try {
            PGPPrivateKey k = sk.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BlockDigests())
                    .build(none ? new char[0] : passphrase));
            if (k == null) {
                throw new SigningException(source + ": key " + id + " holds no private key material");
            }
            return k;
        } catch (PGPException | RuntimeException e) {
            if (e instanceof SigningException s) {
                throw s;
            }
            throw new SigningException(source + ": wrong passphrase for key " + id
                    + " (the key could not be unlocked)");
        }
    }

    private static PGPPublicKeyRing publicRing(PGPSecretKeyRing ring) {
        List<PGPPublicKey> keys = new ArrayList<>();
        ring.getPublicKeys().forEachRemaining(keys::add);
        return new PGPPublicKeyRing(keys);
    }

    /** A fresh in-memory RSA-4096 key: no passphrase, SHA-256 self-signatures, expires after one day. */
    public static SigningKey ephemeral() {
        return ephemeral(EPHEMERAL_BITS, Clock.systemUTC());
    }

    /** The same, its primes searched on one thread per processor (two to four). */
    static SigningKey ephemeral(int bits, Clock clock) {
        ParallelRsaKeyPairGenerator gen = new ParallelRsaKeyPairGenerator();
        gen.hurry();
        return ephemeral(bits, clock, gen);
    }

    /** The same, with the primes from {@code gen} (one thread until it is hurried). */
    static SigningKey ephemeral(int bits, Clock clock, ParallelRsaKeyPairGenerator gen) {
        try {
            AsymmetricCipherKeyPair kp = RsaKeyReuse.JVM.generate(gen, bits);
            Date created = new Date(clock.millis() / 1000 * 1000);
            PGPKeyPair pair = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL,
                    kp, created);
            PGPSignatureSubpacketGenerator h = new PGPSignatureSubpacketGenerator();
            h.setSignatureCreationTime(false, created);
            h.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            h.setKeyExpirationTime(false, EPHEMERAL_LIFETIME.toSeconds());
            h.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512});
            h.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
            h.setPrimaryUserID(false, true);
            PGPKeyRingGenerator rg = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair,
                    EPHEMERAL_USER_ID, new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
                    h.generate(), null,
                    new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
                    null);
            PGPPublicKeyRing pub = rg.generatePublicKeyRing();
            PGPPublicKey pk = pub.getPublicKey();
            return new SigningKey(pub, pk, pair.getPrivateKey(), true);
        } catch (PGPException e) {
            throw new SigningException("cannot generate the ephemeral signing key: " + e.getMessage(), e);
        }
    }
}
