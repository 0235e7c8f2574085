package io.avalanche.rpm.verify;

import io.avalanche.rpm.RpmException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The public keys packages are verified against (an armored key file such as RPM-GPG-KEY-avalanchego). */
public final class TrustedKeys {
    private final PGPPublicKeyRingCollection rings;

    public TrustedKeys(PGPPublicKeyRingCollection rings) {
        this.rings = rings;
    }

    /** Keys from one public key ring (e.g. SigningKey.publicKeyRing()). */
    public static TrustedKeys of(PGPPublicKeyRing ring) {
        return new TrustedKeys(new PGPPublicKeyRingCollection(List.of(ring)));
    }

    /** Reads armored or binary public keys; {@code source} names them in messages. */
    public static TrustedKeys load(InputStream in, String source) {
        try {
            PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(PGPUtil.getDecoderStream(in),
                    new BcKeyFingerprintCalculator());
            if (c.size() == 0) {
                throw new RpmException(source + ": no OpenPGP public key found; give an armored public key"
                        + " (gpg --armor --export KEYID)");
            }
            return new TrustedKeys(c);
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof RpmException r) {
                throw r;
            }
            throw new RpmException(source + ": not an OpenPGP public key file (" + e.getClass().getSimpleName()
                    + "); give an armored public key (gpg --armor --export KEYID)", e);
        }
    }

    public static TrustedKeys load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the public key: " + e.getMessage(), e);
        }
    }

    /** The key (primary or subkey) with this ID, or null. */
    PGPPublicKey key(long keyId) {
        return rings.getPublicKey(keyId);
    }

    /** The primary key of the ring holding this key ID, or null. */
    PGPPublicKey primaryOf(long keyId) {
        PGPPublicKeyRing r = rings.getPublicKeyRing(keyId);
        return r == null ? null : r.getPublicKey();
    }
}
