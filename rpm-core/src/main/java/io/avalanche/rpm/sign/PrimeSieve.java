package io.avalanche.rpm.sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.function.BooleanSupplier;

/**
 * Finds the RSA key's primes: from a random odd start in the range asked for, a window of odd candidates is sieved by
 * the odd primes below 2^16 and the survivors are tested in order (the JDK's test at certainty 100, Lucas-Lehmer
 * included; a composite fails its first Miller-Rabin round); no prime in the window, a new random start. Starting inside the range, not
 * at any number of the right length, wastes none of the primes found (BigInteger.probablePrime's were under the
 * bound that keeps n at full length 4 times in 10), and the larger sieve leaves fewer candidates to test.
 */
final class PrimeSieve {
    /** Odd candidates per window: ~5.8 primes of 2048 bits on average, none in ~0.3 % of windows. */
    static final int WINDOW = 4096;
    /** The odd primes below 2^16 that the candidates are sieved by. */
    static final int[] SMALL_PRIMES = oddPrimesBelow(1 << 16);
    private static final BigInteger[] SMALL = java.util.Arrays.stream(SMALL_PRIMES).mapToObj(BigInteger::valueOf)
            .toArray(BigInteger[]::new);

    private PrimeSieve() {
    }

    /**
     * A probable prime (JDK certainty 100) in [{@code low}, 2^{@code bits}); {@code stop} is asked before each
     * candidate's test, and a true answer ends the search with {@code stopped}'s exception.
     */
    static BigInteger search(int bits, BigInteger low, SecureRandom random, BooleanSupplier stop,
                             java.util.function.Supplier<RuntimeException> stopped) {
        BigInteger high = BigInteger.ONE.shiftLeft(bits);
        BigInteger range = high.subtract(low);
        if (low.bitLength() < 17 || range.bitLength() < 64) {   // above the sieve's primes; a range with primes
            throw new IllegalArgumentException("no search for primes of " + bits + " bits from " + low);
        }
        while (true) {
            BigInteger offset;
            do {
                offset = new BigInteger(range.bitLength(), random);
            } while (offset.compareTo(range) >= 0);
            BigInteger start = low.add(offset).setBit(0);
            boolean[] composite = sieve(start);
            for (int i = 0; i < WINDOW; i++) {
                if (composite[i]) {
                    continue;
                }
                BigInteger c = start.add(BigInteger.valueOf(2L * i));
                if (c.compareTo(high) >= 0) {
                    break;   // past the range: a new start
                }
                if (stop.getAsBoolean()) {
                    throw stopped.get();
                }
                if (c.isProbablePrime(100)) {   // a composite fails its first round, as one round alone would
                    return c;
                }
            }
        }
    }

    /** For the window of odd numbers start, start + 2, ...: true where one is a multiple of a small prime. */
    static boolean[] sieve(BigInteger start) {
        boolean[] composite = new boolean[WINDOW];
        for (int k = 0; k < SMALL_PRIMES.length; k++) {
            int p = SMALL_PRIMES[k];
            long r = start.mod(SMALL[k]).longValue();
            // start + 2i = 0 (mod p)  <=>  i = -r / 2 = (p - r) * (p + 1) / 2  (mod p)
            int i = (int) ((p - r) % p * ((p + 1) / 2) % p);
            for (; i < WINDOW; i += p) {
                composite[i] = true;
            }
        }
        return composite;
    }

    private static int[] oddPrimesBelow(int n) {
        boolean[] notPrime = new boolean[n];
        int count = 0;
        for (int i = 3; i < n; i += 2) {
            if (!notPrime[i]) {
                count++;
                for (long j = (long) i * i; j < n; j += 2L * i) {
                    notPrime[(int) j] = true;
                }
            }
        }
        int[] primes = new int[count];
        for (int i = 3, k = 0; i < n; i += 2) {
            if (!notPrime[i]) {
                primes[k++] = i;
            }
        }
        return primes;
    }
}
