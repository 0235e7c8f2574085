package io.avalanche.rpm.sign;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.NewFiles;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.bouncycastle.openpgp.PGPPublicKey;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writing the armored public key of the signing key to a file without destroying what the file held. An absent
 * target is written; an existing one is kept as it is when it already holds the signing key (the same export, or a
 * key file listing it among others, such as a rotation pair); anything else there (another key, a secret key, a
 * package, any other file) is refused, as keygen refuses an existing file: nothing is overwritten.
 */
public record KeyExport(Path target, byte[] armored) {
    private static final byte[] RPM_MAGIC = {(byte) 0xED, (byte) 0xAB, (byte) 0xEE, (byte) 0xDB};

    public KeyExport {
        armored = armored.clone();
    }

    @Override
    public byte[] armored() {
        return armored.clone();
    }

    /** The public key of {@code key}, to be written to {@code target}. */
    public static KeyExport of(SigningKey key, Path target) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            key.exportPublicKey(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot armor the public key: " + e.getMessage(), e);
        }
        return new KeyExport(target, out.toByteArray());
    }

    /**
     * True when the target must be written, false when it already holds the key and is kept; refuses (exit 2) a
     * target that exists and does not hold it. Nothing is changed: call it before anything else is written.
     */
    public boolean check() {
        String fix = "; remove it or choose another file (--export-key)";
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = io.avalanche.rpm.PathNames.dir(target);
            if (!Files.isDirectory(dir)) {   // found now, not after the packages were signed
                throw new SpecException(target + ": cannot write the public key there: " + dir
                        + " is not a directory; create it or choose another file (--export-key)");
            }
            return true;
        }
        String refuse = target + ": refusing to write the public key over it: ";
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new SpecException(refuse + "it is not a regular file" + fix);
        }
        byte[] head = head();
        if (Arrays.equals(Arrays.copyOf(head, RPM_MAGIC.length), RPM_MAGIC)) {
            throw new SpecException(refuse + "it is an RPM package" + fix);
        }
        if (new String(head, StandardCharsets.ISO_8859_1).contains("PRIVATE KEY")) {
            throw new SpecException(refuse + "it holds a secret key (the key given to --key?)" + fix);
        }
        TrustedKeys there;
        try (InputStream in = Files.newInputStream(target)) {
            there = TrustedKeys.load(in, target.toString());
        } catch (IOException | RpmException e) {
            throw new SpecException(refuse + "it is not an OpenPGP public key file" + fix);
        }
        PGPPublicKey mine = TrustedKeys.load(new ByteArrayInputStream(armored), "the signing key").primaryKeys().get(0);
        PGPPublicKey held = there.key(mine.getKeyID());
        if (held != null && Arrays.equals(held.getFingerprint(), mine.getFingerprint())) {
            return false;
        }
        throw new SpecException(refuse + "it holds key(s) " + String.join(", ", there.keyIds()) + ", not the signing"
                + " key " + KeyPolicy.keyIdHex(mine.getKeyID()) + ": packages signed by those would no longer verify"
                + " against it" + fix + ", or add the signing key to it (a rotation pair lists both)");
    }

    /**
     * Writes the key per {@link #check} and returns whether it was written: through a temporary file beside the
     * target moved into place when complete (a reader never sees half a key), with the mode any new file gets.
     */
    public boolean write() {
        if (!check()) {
            return false;
        }
        overwrite();
        return true;
    }

    /** Writes the key whatever the target holds (a directory this run made, such as a release's staging). */
    public Path overwrite() {
        try {
            return NewFiles.replace(target, tmp -> Files.write(tmp, armored));
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write the public key: " + IoErrors.why(e), e);
        }
    }

    private byte[] head() {
        try (InputStream in = Files.newInputStream(target)) {
            return in.readNBytes(4096);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot read: " + IoErrors.why(e), e);
        }
    }
}
