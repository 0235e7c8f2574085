package io.avalanche.rpm.publish;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;

/**
 * The public key file a repository publishes (RPM-GPG-KEY-avalanchego), read by the same reader as {@code verify}
 * ({@link TrustedKeys#load}): every key of it is trusted, in one armored block or several concatenated (rotation), as
 * {@code rpmkeys --import} does. Checks detached repomd.xml signatures and compares key sets.
 */
public final class RepositoryKey {
    private final TrustedKeys keys;
    private final byte[] bytes;
    private final String source;

    private RepositoryKey(TrustedKeys keys, byte[] bytes, String source) {
        this.keys = keys;
        this.bytes = bytes.clone();
        this.source = source;
    }

    /** Parses an armored or binary public key file; throws {@link PublishCheckException} when it holds none. */
    public static RepositoryKey parse(byte[] data, String source) {
        if (TrustedKeys.holdsSecretKey(data)) {
            throw new PublishCheckException(source + ": holds a secret key; a release carries only the public key"
                    + " (rpm-release sign --export-key writes it, or gpg --armor --export KEYID). Nothing was uploaded.");
        }
        try {
            return new RepositoryKey(TrustedKeys.load(new ByteArrayInputStream(data), source), data, source);
        } catch (RpmException | java.io.UncheckedIOException e) {
            throw new PublishCheckException(source + ": not an OpenPGP public key file; export the release key with "
                    + "`rpm-release sign --export-key` or `gpg --armor --export KEYID`. Nothing was uploaded.", e);
        }
    }

    public String source() {
        return source;
    }

    /** The packages' trusted keys: every key of this file. */
    public TrustedKeys trusted() {
        return keys;
    }

    /** Fingerprints (hex, upper case) of the primary keys. */
    public Set<String> fingerprints() {
        return keys.fingerprints();
    }

    /** Key IDs (16 hex) of the primary keys, for messages. */
    public String describe() {
        return String.join(", ", keys.keyIds());
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
        PGPPublicKey key = keys.key(s.getKeyID());
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
