package io.avalanche.rpm.sign;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ephemeral key's prime search: the sieve marks exactly the multiples of its small primes, and what it finds. */
class PrimeSieveTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void theSmallPrimesAreTheOddPrimesBelow65536() {
        assertThat(PrimeSieve.SMALL_PRIMES).hasSize(6541).startsWith(3, 5, 7, 11).endsWith(65521);
        for (int p : PrimeSieve.SMALL_PRIMES) {
            assertThat(BigInteger.valueOf(p).isProbablePrime(50)).as("%d", p).isTrue();
        }
    }

    @Test
    void theSieveMarksExactlyTheMultiplesOfItsPrimes() {
        for (int round = 0; round < 3; round++) {
            BigInteger start = new BigInteger(2048, RANDOM).setBit(2047).setBit(0);
            boolean[] composite = PrimeSieve.sieve(start);
            boolean[] expected = new boolean[PrimeSieve.WINDOW];
            for (int p : PrimeSieve.SMALL_PRIMES) {
                long r = start.mod(BigInteger.valueOf(p)).longValue();
                for (int i = 0; i < PrimeSieve.WINDOW; i++) {
                    if ((r + 2L * i) % p == 0) {
                        expected[i] = true;
                    }
                }
            }
            assertThat(composite).isEqualTo(expected);
            int survivors = 0;
            for (boolean c : composite) {
                survivors += c ? 0 : 1;
            }
            // about 2 * 0.5615 / ln(65536) of odd numbers have no odd prime factor below 2^16 (Mertens)
            assertThat(survivors).isBetween(300, 560);
        }
    }

    @Test
    void itFindsDistinctPrimesInTheRangeAskedFor() {
        int bits = 512;
        BigInteger bound = BigInteger.ONE.shiftLeft(2 * bits - 1);   // p * p >= 2^(2 bits - 1), as RSA keys ask
        BigInteger low = bound.sqrt().add(BigInteger.ONE);
        Set<BigInteger> found = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            BigInteger p = PrimeSieve.search(bits, low, RANDOM, () -> false, IllegalStateException::new);
            assertThat(p.bitLength()).isEqualTo(bits);
            assertThat(p).isGreaterThanOrEqualTo(low);
            assertThat(p.multiply(p)).isGreaterThanOrEqualTo(bound);
            assertThat(p.isProbablePrime(100)).isTrue();
            found.add(p);
        }
        assertThat(found).hasSize(20);
    }

    @Test
    void aStoppedSearchEndsWithItsExceptionAndARangeWithoutRoomIsRefused() {
        BigInteger low = BigInteger.ONE.shiftLeft(2047);
        assertThatThrownBy(() -> PrimeSieve.search(2048, low, RANDOM, () -> true,
                () -> new IllegalStateException("stopped"))).hasMessage("stopped");
        assertThatThrownBy(() -> PrimeSieve.search(2048, BigInteger.ONE.shiftLeft(2048).subtract(BigInteger.TEN),
                RANDOM, () -> false, IllegalStateException::new)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrimeSieve.search(16, BigInteger.valueOf(3), RANDOM, () -> false,
                IllegalStateException::new)).isInstanceOf(IllegalArgumentException.class);
    }
}
