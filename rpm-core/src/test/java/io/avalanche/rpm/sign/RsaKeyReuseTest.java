package io.avalanche.rpm.sign;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ephemeral keys' RSA key pairs: fresh every time unless a test run asks for reuse, and then the first N of each size,
 * in turn.
 */
class RsaKeyReuseTest {

    @Test
    void withoutTheSettingEveryKeyPairIsFresh() {
        assertThat(moduli(new RsaKeyReuse(0), 3, 1024)).doesNotHaveDuplicates();
    }

    @Test
    void aTestRunReusesTheFirstNOfEachSizeInTurn() {
        RsaKeyReuse reuse = new RsaKeyReuse(2);
        List<BigInteger> small = moduli(reuse, 5, 1024);
        assertThat(small.get(0)).isNotEqualTo(small.get(1));
        assertThat(small.subList(2, 5)).containsExactly(small.get(1), small.get(0), small.get(1));
        BigInteger other = moduli(reuse, 1, 1536).get(0);
        assertThat(other.bitLength()).isEqualTo(1536);
        assertThat(small).doesNotContain(other);
    }

    @Test
    void insideAFreshScopeNothingIsReused() throws Exception {
        RsaKeyReuse reuse = new RsaKeyReuse(1);
        BigInteger pooled = moduli(reuse, 1, 1024).get(0);
        try (AutoCloseable fresh = reuse.fresh()) {
            assertThat(moduli(reuse, 1, 1024).get(0)).isNotEqualTo(pooled);
        }
        assertThat(moduli(reuse, 1, 1024).get(0)).isEqualTo(pooled);
    }

    /** The moduli of the next {@code n} key pairs of {@code bits} that {@code reuse} hands out. */
    private static List<BigInteger> moduli(RsaKeyReuse reuse, int n, int bits) {
        List<BigInteger> moduli = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AsymmetricCipherKeyPair kp = reuse.generate(new ParallelRsaKeyPairGenerator(2), bits);
            moduli.add(((RSAKeyParameters) kp.getPublic()).getModulus());
        }
        return moduli;
    }
}
