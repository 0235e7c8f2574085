package io.avalanche.rpm.sign;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Digests for unlocking a secret key: an iterated S2K hashes its salt and passphrase again and again, a few bytes per
 * write, up to 65 MB (gpg's default count). Here SHA-1 and SHA-2 are the JDK's (the CPU's SHA instructions once
 * compiled), fed in 64 KiB blocks; Bouncy Castle's pure-Java digests took ~4 times as long. Other algorithms: Bouncy
 * Castle's.
 */
final class BlockDigests implements PGPDigestCalculatorProvider {
    private final PGPDigestCalculatorProvider others = new BcPGPDigestCalculatorProvider();

    @Override
    public PGPDigestCalculator get(int algorithm) throws PGPException {
        String name = switch (algorithm) {
            case HashAlgorithmTags.SHA1 -> "SHA-1";
            case HashAlgorithmTags.SHA224 -> "SHA-224";
            case HashAlgorithmTags.SHA256 -> "SHA-256";
            case HashAlgorithmTags.SHA384 -> "SHA-384";
            case HashAlgorithmTags.SHA512 -> "SHA-512";
            default -> null;
        };
        if (name == null) {
            return others.get(algorithm);
        }
        try {
            return new Blocks(algorithm, MessageDigest.getInstance(name));
        } catch (NoSuchAlgorithmException e) {
            return others.get(algorithm);
        }
    }

    /** A digest fed through a 64 KiB buffer. */
    private static final class Blocks extends OutputStream implements PGPDigestCalculator {
        private final int algorithm;
        private final MessageDigest md;
        private final byte[] buf = new byte[1 << 16];
        private int n;

        Blocks(int algorithm, MessageDigest md) {
            this.algorithm = algorithm;
            this.md = md;
        }

        @Override
        public void write(int b) {
            if (n == buf.length) {
                drain();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > buf.length - n) {
                drain();
                if (len >= buf.length) {
                    md.update(b, off, len);
                    return;
                }
            }
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }

        private void drain() {
            md.update(buf, 0, n);
            n = 0;
        }

        @Override
        public int getAlgorithm() {
            return algorithm;
        }

        @Override
        public OutputStream getOutputStream() {
            return this;
        }

        @Override
        public byte[] getDigest() {
            drain();
            return md.digest();
        }

        @Override
        public void reset() {
            n = 0;
            md.reset();
        }
    }
}
