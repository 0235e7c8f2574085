package io.avalanche.rpm.publish;

import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The public key file a repository publishes (RPM-GPG-KEY-avalanchego): every key of it (rotation) is trusted, as
 * {@code rpmkeys --import} does. Checks detached repomd.xml signatures and compares key sets.
 */
public final class RepositoryKey {
    private final PGPPublicKeyRingCollection rings;
    private final byte[] bytes;
    private final String source;

    private RepositoryKey(PGPPublicKeyRingCollection rings, byte[] bytes, String source) {
        this.rings = rings;
        this.bytes = bytes.clone();
        this.source = source;
    }

    /** Parses an armored or binary public key file; throws {@link PublishCheckException} when it holds none. */
    public static RepositoryKey parse(byte[] data, String source) {
        try {
            PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(
                    PGPUtil.getDecoderStream(new ByteArrayInputStream(data)), new BcKeyFingerprintCalculator());
            if (c.size() > 0) {
                return new RepositoryKey(c, data, source);
            }
        } catch (IOException | PGPException | RuntimeException e) {
            // reported below
        }
        throw new PublishCheckException(source + ": not an OpenPGP public key file; export the release key with "
                + "`rpm-release sign --export-key` or `gpg --armor --export KEYID`. Nothing was uploaded.");
    }

    public String source() {
        return source;
    }

    /** The packages' trusted keys: every key of this file. */
    public TrustedKeys trusted() {
        return new TrustedKeys(rings);
    }

    /** Fingerprints (hex, upper case) of the primary keys. */
    public Set<String> fingerprints() {
        Set<String> out = new TreeSet<>();
        for (PGPPublicKeyRing r : rings) {
            out.add(HexFormat.of().withUpperCase().formatHex(r.getPublicKey().getFingerprint()));
        }
        return out;
    }

    /** Key IDs (16 hex) of the primary keys, for messages. */
    public String describe() {
        List<String> ids = new ArrayList<>();
        for (PGPPublicKeyRing r : rings) {
            ids.add(KeyPolicy.keyIdHex(r.getPublicKey().getKeyID()));
        }
        return String.join(", ", ids);
    }

    /** True when the file bytes are identical. */
    public boolean sameBytes(byte[] other) {
        return java.util.Arrays.equals(bytes, other);
    }

    /**
     * Checks an armored detached signature over {@code data}: null when a key of this file made it, else why not
     * (naming the key ID that signed).
     */
    public String checkDetached(byte[] data, byte[] armored) {
        PGPSignature s;
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(armored)));
            Object o = f.nextObject();
            if (!(o instanceof PGPSignatureList list) || list.size() != 1) {
                return "not exactly one OpenPGP signature";
            }
            s = list.get(0);
        } catch (IOException | RuntimeException e) {
            return "not an OpenPGP signature (" + e.getClass().getSimpleName() + ")";
        }
        PGPPublicKey key = rings.getPublicKey(s.getKeyID());
        if (key == null) {
            return "made by key " + KeyPolicy.keyIdHex(s.getKeyID()) + ", which " + source + " does not hold (it holds "
                    + describe() + ")";
        }
        try {
            s.init(new BcPGPContentVerifierBuilderProvider(), key);
            s.update(data);
            return s.verify() ? null : "does not verify with key " + KeyPolicy.keyIdHex(s.getKeyID());
        } catch (PGPException | RuntimeException e) {
            return "cannot be checked with key " + KeyPolicy.keyIdHex(s.getKeyID()) + " (" + e.getMessage() + ")";
        }
    }
}
