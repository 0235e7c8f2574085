package io.avalanche.rpm.sign;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RSA key pairs of ephemeral keys: fresh from the generator, except in test runs that set the system property
 * {@value #PROPERTY} to N (the build's surefire configuration does): there the first N key pairs of each size this
 * JVM generates are handed out again, in turn. Each ephemeral key still gets its own creation time and
 * self-signature; only the primes (~1.5 s and ~3 CPU seconds each at RSA-4096 here) are not searched again.
 */
final class RsaKeyReuse {
    static final String PROPERTY = "rpmRelease.test.reuseRsaKeyPairs";
    /** This JVM's: fresh key pairs unless the property is set. */
    static final RsaKeyReuse JVM = new RsaKeyReuse(Integer.getInteger(PROPERTY, 0));
    private final int reuse;
    private final Map<Integer, List<AsymmetricCipherKeyPair>> pools = new HashMap<>();
    private final Map<Integer, Integer> next = new HashMap<>();
    /** Open {@link #fresh} scopes: none are reused while one is open. */
    private final AtomicInteger freshScopes = new AtomicInteger();

    /** Hands out again the first {@code reuse} key pairs of each size (none: 0). */
    RsaKeyReuse(int reuse) {
        this.reuse = Math.max(0, reuse);
    }

    /** Fresh key pairs until closed (for a test of the search itself, whatever ran before it in the JVM). */
    AutoCloseable fresh() {
        freshScopes.incrementAndGet();
        return freshScopes::decrementAndGet;
    }

    /** A key pair of {@code bits} from {@code gen}, or, once this pool of that size is full, one of the pool's. */
    AsymmetricCipherKeyPair generate(ParallelRsaKeyPairGenerator gen, int bits) {
        if (reuse == 0 || freshScopes.get() > 0) {
            return gen.generate(bits);
        }
        synchronized (pools) {
            List<AsymmetricCipherKeyPair> pool = pools.computeIfAbsent(bits, b -> new ArrayList<>());
            if (pool.size() >= reuse) {
                return pool.get(next.merge(bits, 1, Integer::sum) % reuse);
            }
        }
        AsymmetricCipherKeyPair kp = gen.generate(bits);   // outside the lock: an interrupt still stops it
        synchronized (pools) {
            List<AsymmetricCipherKeyPair> pool = pools.get(bits);
            if (pool.size() < reuse) {
                pool.add(kp);
            }
        }
        return kp;
    }
}
