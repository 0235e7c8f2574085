package io.avalanche.rpm.pgp;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * What RHEL 9 accepts of an OpenPGP key: v4, RSA of at least 2048 bits, not revoked, not expired, self-signatures
 * with SHA-256 or stronger. Used both to pick a signing key and to judge a verification key.
 */
public final class KeyPolicy {
    /** The smallest RSA modulus RHEL 9's DEFAULT crypto policy accepts (update-crypto-policies, min_rsa_size). */
    public static final int MIN_RSA_BITS = 2048;

    private KeyPolicy() {
    }

    /** True for hash algorithms RHEL 9 accepts in signatures (SHA-256, SHA-384, SHA-512, SHA-224). */
    public static boolean strongHash(int hashAlgorithm) {
        return hashAlgorithm == HashAlgorithmTags.SHA256 || hashAlgorithm == HashAlgorithmTags.SHA384
                || hashAlgorithm == HashAlgorithmTags.SHA512 || hashAlgorithm == HashAlgorithmTags.SHA224;
    }

    public static boolean isRsa(int algorithm) {
        return algorithm == PublicKeyAlgorithmTags.RSA_GENERAL || algorithm == PublicKeyAlgorithmTags.RSA_SIGN;
    }

    /** The key's hex ID as gpg prints it (16 upper-case digits). */
    public static String keyIdHex(long keyId) {
        return String.format("%016X", keyId);
    }

    /**
     * Problems that make this key unusable at {@code when}, empty when none. {@code key} is either the
     * primary key itself or one of its subkeys.
     */
    public static List<String> problems(PGPPublicKey primary, PGPPublicKey key, Instant when) {
        List<String> p = new ArrayList<>();
        String id = keyIdHex(key.getKeyID());
        for (PGPPublicKey k : key == primary ? List.of(primary) : List.of(primary, key)) {
            String kid = keyIdHex(k.getKeyID());
            if (k.getVersion() != 4) {
                p.add("key " + kid + " is a v" + k.getVersion() + " key; RHEL 9 accepts only v4 keys");
            }
            if (!isRsa(k.getAlgorithm())) {
                p.add("key " + kid + " uses public-key algorithm " + algorithmName(k.getAlgorithm())
                        + "; use an RSA key");
            } else if (k.getBitStrength() < MIN_RSA_BITS) {
                p.add("key " + kid + " is RSA-" + k.getBitStrength() + "; RHEL 9's default crypto policy refuses RSA"
                        + " keys under " + MIN_RSA_BITS + " bits: use an RSA key of " + MIN_RSA_BITS
                        + " bits or more (4096 recommended)");
            }
            if (revoked(k, primary)) {
                p.add("key " + kid + " is revoked");
            }
            expiry(k).filter(e -> !e.isAfter(when))
                    .ifPresent(e -> p.add("key " + kid + " expired at " + e));
        }
        for (PGPSignature s : selfSignatures(primary, key)) {
            if (!strongHash(s.getHashAlgorithm())) {
                p.add("key " + id + " has a self-signature made with " + hashName(s.getHashAlgorithm())
                        + "; RHEL 9 rejects SHA-1 self-signatures: re-sign the key with SHA-256"
                        + " (gpg --cert-digest-algo SHA256 --quick-set-expire or --edit-key)");
                break;
            }
        }
        return p;
    }

    /** Expiry time of this key from its newest self-signature, empty when it never expires. */
    public static Optional<Instant> expiry(PGPPublicKey key) {
        long valid = key.getValidSeconds();
        if (valid <= 0) {
            return Optional.empty();
        }
        return Optional.of(key.getCreationTime().toInstant().plusSeconds(valid));
    }

    /** True when the newest self-signature allows signing data (or the key has no flags and is RSA). */
    public static boolean canSign(PGPPublicKey primary, PGPPublicKey key) {
        List<PGPSignature> sigs = selfSignatures(primary, key);
        for (PGPSignature s : sigs) {
            PGPSignatureSubpacketVector h = s.getHashedSubPackets();
            if (h != null && h.hasSubpacket(org.bouncycastle.bcpg.SignatureSubpacketTags.KEY_FLAGS)) {
                return (h.getKeyFlags() & KeyFlags.SIGN_DATA) != 0;
            }
        }
        return key == primary && key.getAlgorithm() != PublicKeyAlgorithmTags.RSA_ENCRYPT && isRsa(key.getAlgorithm());
    }

    /**
     * The self-signatures that define this key, newest first: for a primary key the newest
     * certification per user ID and direct-key signatures; for a subkey its newest binding signature.
     */
    static List<PGPSignature> selfSignatures(PGPPublicKey primary, PGPPublicKey key) {
        List<PGPSignature> out = new ArrayList<>();
        if (key == primary || key.isMasterKey()) {
            Iterator<String> ids = key.getUserIDs();
            while (ids.hasNext()) {
                addNewest(out, key.getSignaturesForID(ids.next()), primary.getKeyID());
            }
            addNewest(out, key.getSignaturesOfType(PGPSignature.DIRECT_KEY), primary.getKeyID());
        } else {
            addNewest(out, key.getSignaturesOfType(PGPSignature.SUBKEY_BINDING), primary.getKeyID());
        }
        out.sort((a, b) -> b.getCreationTime().compareTo(a.getCreationTime()));
        return out;
    }

    /**
     * Adds the newest non-revocation signature of {@code issuer} among {@code it}, if any (no method reference: the CDS
     * archive served only one of two call sites of the same shape, and the other's class was made at every verify).
     */
    private static void addNewest(List<PGPSignature> out, Iterator<PGPSignature> it, long issuer) {
        PGPSignature best = null;
        while (it.hasNext()) {
            PGPSignature s = it.next();
            if (s.getKeyID() != issuer || PGPSignature.isRevocation(s.getSignatureType())) {
                continue;
            }
            if (best == null || s.getCreationTime().after(best.getCreationTime())) {
                best = s;
            }
        }
        if (best != null) {
            out.add(best);
        }
    }

    private static boolean revoked(PGPPublicKey k, PGPPublicKey primary) {
        int type = k.isMasterKey() ? PGPSignature.KEY_REVOCATION : PGPSignature.SUBKEY_REVOCATION;
        Iterator<PGPSignature> it = k.getSignaturesOfType(type);
        while (it.hasNext()) {
            if (it.next().getKeyID() == primary.getKeyID()) {
                return true;
            }
        }
        return false;
    }

    public static String hashName(int hash) {
        return switch (hash) {
            case HashAlgorithmTags.MD5 -> "MD5";
            case HashAlgorithmTags.SHA1 -> "SHA1";
            case HashAlgorithmTags.RIPEMD160 -> "RIPEMD160";
            case HashAlgorithmTags.SHA224 -> "SHA224";
            case HashAlgorithmTags.SHA256 -> "SHA256";
            case HashAlgorithmTags.SHA384 -> "SHA384";
            case HashAlgorithmTags.SHA512 -> "SHA512";
            default -> "hash#" + hash;
        };
    }

    public static String algorithmName(int algorithm) {
        return switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN,
                 PublicKeyAlgorithmTags.RSA_ENCRYPT -> "RSA";
            case PublicKeyAlgorithmTags.DSA -> "DSA";
            case PublicKeyAlgorithmTags.ECDSA -> "ECDSA";
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> "EdDSA";
            case PublicKeyAlgorithmTags.Ed25519 -> "Ed25519";
            case PublicKeyAlgorithmTags.Ed448 -> "Ed448";
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL -> "ElGamal";
            default -> "algorithm#" + algorithm;
        };
    }
}
