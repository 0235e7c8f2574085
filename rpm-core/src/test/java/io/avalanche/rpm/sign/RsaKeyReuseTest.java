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
        RsaKeyReuse fresh = new RsaKeyReuse(0);
        List<BigInteger> moduli = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            moduli.add(modulus(fresh.generate(new ParallelRsaKeyPairGenerator(2), 1024)));
        }
        assertThat(moduli).doesNotHaveDuplicates();
    }

    @Test
    void aTestRunReusesTheFirstNOfEachSizeInTurn() {
        RsaKeyReuse reuse = new RsaKeyReuse(2);
        List<BigInteger> small = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            small.add(modulus(reuse.generate(new ParallelRsaKeyPairGenerator(2), 1024)));
        }
        assertThat(small.get(0)).isNotEqualTo(small.get(1));
        assertThat(small.subList(2, 5)).containsExactly(small.get(1), small.get(0), small.get(1));
        BigInteger other = modulus(reuse.generate(new ParallelRsaKeyPairGenerator(2), 1536));
        assertThat(other.bitLength()).isEqualTo(1536);
        assertThat(small).doesNotContain(other);
    }

    @Test
    void insideAFreshScopeNothingIsReused() throws Exception {
        RsaKeyReuse reuse = new RsaKeyReuse(1);
        BigInteger pooled = modulus(reuse.generate(new ParallelRsaKeyPairGenerator(2), 1024));
        try (AutoCloseable fresh = reuse.fresh()) {
            assertThat(modulus(reuse.generate(new ParallelRsaKeyPairGenerator(2), 1024))).isNotEqualTo(pooled);
        }
        assertThat(modulus(reuse.generate(new ParallelRsaKeyPairGenerator(2), 1024))).isEqualTo(pooled);
    }

    private static BigInteger modulus(AsymmetricCipherKeyPair kp) {
        return ((RSAKeyParameters) kp.getPublic()).getModulus();
    }
}
