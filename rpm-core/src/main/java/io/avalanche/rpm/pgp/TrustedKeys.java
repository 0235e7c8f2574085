package io.avalanche.rpm.pgp;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The public keys packages are verified against (an armored key file such as RPM-GPG-KEY-avalanchego). */
public final class TrustedKeys {
    private static final int MAX_KEY_FILE = 16 << 20;
    private static final String PUBLIC = "PUBLIC KEY BLOCK";
    private static final String SECRET = "PRIVATE KEY BLOCK";
    private final PGPPublicKeyRingCollection rings;

    public TrustedKeys(PGPPublicKeyRingCollection rings) {
        this.rings = rings;
    }

    /** No key at all: every signature is NOKEY (for digest-only checks). */
    public static TrustedKeys none() {
        return new TrustedKeys(new PGPPublicKeyRingCollection(List.of()));
    }

    /** Keys from one public key ring (e.g. SigningKey.publicKeyRing()). */
    public static TrustedKeys of(PGPPublicKeyRing ring) {
        return new TrustedKeys(new PGPPublicKeyRingCollection(List.of(ring)));
    }

    /**
     * Reads armored or binary public keys; {@code source} names them in messages. Every key of the file is
     * trusted, as {@code rpmkeys --import} does: several keys in one armored block, and several armored blocks
     * one after another (a file listing the old and the new key while keys rotate).
     */
    public static TrustedKeys load(InputStream in, String source) {
        try {
            byte[] all = in.readNBytes(MAX_KEY_FILE + 1);
            if (all.length > MAX_KEY_FILE) {
                throw new RpmException(source + ": larger than " + MAX_KEY_FILE / (1 << 20) + " MiB; not a public"
                        + " key file");
            }
            List<byte[]> parts = new ArrayList<>();
            List<Armor.Block> blocks = Armor.blocks(all);
            if (holdsSecretKey(blocks)) {
                throw new RpmException(source + ": holds a secret key; give only its public key (gpg --armor --export"
                        + " KEYID): checking signatures needs no secret, and a secret key does not belong in that file");
            }
            blocks.stream().filter(b -> b.type().equals(PUBLIC)).forEach(b -> parts.add(b.data()));
            if (parts.isEmpty()) {
                parts.add(Armor.binary(all));   // binary keys, or another armored type (refused below)
            }
            Map<Long, PGPPublicKeyRing> rings = new LinkedHashMap<>();
            for (byte[] part : parts) {
                PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(part, new BcKeyFingerprintCalculator());
                c.getKeyRings().forEachRemaining(r -> rings.putIfAbsent(r.getPublicKey().getKeyID(), r));
            }
            if (rings.isEmpty()) {
                throw new RpmException(source + ": no OpenPGP public key found; give an armored public key"
                        + " (gpg --armor --export KEYID)");
            }
            return new TrustedKeys(new PGPPublicKeyRingCollection(List.copyOf(rings.values())));
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof RpmException r) {
                throw r;
            }
            throw new RpmException(source + ": not an OpenPGP public key file (" + e.getClass().getSimpleName()
                    + "); give an armored public key (gpg --armor --export KEYID)", e);
        }
    }

    /** True when the file holds an armored secret key block, which no public key file should carry. */
    public static boolean holdsSecretKey(byte[] file) {
        try {
            return holdsSecretKey(Armor.blocks(file));
        } catch (IOException | RuntimeException e) {
            return false;   // damaged armor: refused as a key file elsewhere
        }
    }

    private static boolean holdsSecretKey(List<Armor.Block> blocks) {
        return blocks.stream().anyMatch(b -> b.type().equals(SECRET));
    }

    /** Fingerprints (hex, upper case) of the primary keys. */
    public java.util.Set<String> fingerprints() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        rings.getKeyRings().forEachRemaining(r -> out.add(java.util.HexFormat.of().withUpperCase()
                .formatHex(r.getPublicKey().getFingerprint())));
        return out;
    }

    /** Primary key IDs of every trusted key ring, as 16 upper-case hex digits, in file order. */
    public List<String> keyIds() {
        List<String> ids = new ArrayList<>();
        rings.getKeyRings().forEachRemaining(r -> ids.add(KeyPolicy.keyIdHex(r.getPublicKey().getKeyID())));
        return ids;
    }

    /** The primary key of every trusted key ring, in file order. */
    public List<PGPPublicKey> primaryKeys() {
        List<PGPPublicKey> keys = new ArrayList<>();
        rings.getKeyRings().forEachRemaining(r -> keys.add(r.getPublicKey()));
        return keys;
    }

    /**
     * The keys (primary keys and subkeys, as 16 hex digits) of this set that {@code pinned} does not hold with the
     * same key material: empty when every key here is one of the pinned keys (user IDs and signatures aside).
     */
    public List<String> keysNotIn(TrustedKeys pinned) {
        List<String> foreign = new ArrayList<>();
        rings.getKeyRings().forEachRemaining(r -> r.getPublicKeys().forEachRemaining(k -> {
            PGPPublicKey p = pinned.key(k.getKeyID());
            if (p == null || !sameMaterial(p, k)) {
                foreign.add(KeyPolicy.keyIdHex(k.getKeyID()));
            }
        }));
        return foreign;
    }

    private static boolean sameMaterial(PGPPublicKey a, PGPPublicKey b) {
        try {
            return java.util.Arrays.equals(a.getPublicKeyPacket().getEncodedContents(),
                    b.getPublicKeyPacket().getEncodedContents());
        } catch (IOException e) {
            return false;
        }
    }

    public static TrustedKeys load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the public key: " + IoErrors.why(e), e);
        }
    }

    /** The key (primary or subkey) with this ID, or null. */
    public PGPPublicKey key(long keyId) {
        return rings.getPublicKey(keyId);
    }

    /** The primary key of the ring holding this key ID, or null. */
    public PGPPublicKey primaryOf(long keyId) {
        PGPPublicKeyRing r = rings.getPublicKeyRing(keyId);
        return r == null ? null : r.getPublicKey();
    }
}
