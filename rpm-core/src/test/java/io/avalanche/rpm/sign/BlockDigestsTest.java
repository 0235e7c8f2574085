package io.avalanche.rpm.sign;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buffered JDK digests that unlock secret keys give Bouncy Castle's digests' bytes, whatever the sizes of the
 * writes (an S2K's few bytes at a time, one byte, writes across the buffer's end and larger than it) and after reset.
 */
class BlockDigestsTest {
    private static final int[] ALGORITHMS = {HashAlgorithmTags.SHA1, HashAlgorithmTags.SHA224,
        HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512, HashAlgorithmTags.RIPEMD160};

    @Test
    void everyWritePatternGivesBouncyCastlesDigest() throws Exception {
        Random r = new Random(7);
        byte[] data = new byte[(3 << 16) + 12345];
        r.nextBytes(data);
        int[][] patterns = {{1}, {21}, {8, 13}, {65535, 2}, {65536}, {70000}, {1, 131072, 5}};
        for (int algorithm : ALGORITHMS) {
            for (int[] sizes : patterns) {
                PGPDigestCalculator ours = new BlockDigests().get(algorithm);
                PGPDigestCalculator bc = new BcPGPDigestCalculatorProvider().get(algorithm);
                feed(ours.getOutputStream(), data, sizes);
                bc.getOutputStream().write(data);
                assertThat(ours.getAlgorithm()).isEqualTo(algorithm);
                assertThat(ours.getDigest()).as("algorithm %d, writes of %s", algorithm,
                        java.util.Arrays.toString(sizes)).isEqualTo(bc.getDigest());
            }
        }
    }

    @Test
    void resetStartsOver() throws Exception {
        PGPDigestCalculator ours = new BlockDigests().get(HashAlgorithmTags.SHA256);
        ours.getOutputStream().write(new byte[] {1, 2, 3});
        ours.reset();
        ours.getOutputStream().write('a');
        PGPDigestCalculator bc = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA256);
        bc.getOutputStream().write('a');
        assertThat(ours.getDigest()).isEqualTo(bc.getDigest());
    }

    private static void feed(OutputStream out, byte[] data, int[] sizes) throws java.io.IOException {
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = Math.min(sizes[i % sizes.length], data.length - off);
            if (n == 1) {
                out.write(data[off]);
            } else {
                out.write(data, off, n);
            }
            off += n;
        }
    }
}
