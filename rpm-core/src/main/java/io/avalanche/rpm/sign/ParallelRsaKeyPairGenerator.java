package io.avalanche.rpm.sign;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bouncy Castle's RSA key pair generator with its primes searched on worker threads: one while other work runs, one
 * per processor (two to four) once someone waits for the key ({@link #hurry}). Each prime comes from a sieved search
 * of the range BC wants its primes in ({@link PrimeSieve}: far fewer Miller-Rabin tests than BC's own search) and
 * passes the checks BC's own {@code chooseRandomPrime} makes, its Miller-Rabin rounds included; BC's checks of p, q,
 * n and d apply unchanged. Workers stop within one candidate once the key is complete (the search asks before each
 * candidate, and their random source refuses them).
 */
final class ParallelRsaKeyPairGenerator extends RSAKeyPairGenerator {
    private final int maxWorkers;
    private final BlockingQueue<Object> found = new LinkedBlockingQueue<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final java.util.List<Thread> workers = new java.util.ArrayList<>();
    private boolean hurried;
    /** What the workers search for: set by the first call of {@link #chooseRandomPrime}. */
    private Search search;
    /** The key's random source, which refuses once the key is complete. */
    private volatile SecureRandom random;

    private record Search(int bitlength, BigInteger e, BigInteger sqrdBound) {
    }

    /** Up to {@code maxWorkers} threads once hurried (at least one). */
    ParallelRsaKeyPairGenerator(int maxWorkers) {
        this.maxWorkers = Math.max(1, maxWorkers);
    }

    /**
     * One thread per processor once hurried, two to four: more would take a shared machine's cores (a Jenkins
     * controller's) for a wait that is short already.
     */
    ParallelRsaKeyPairGenerator() {
        this(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    /** Generates a key of {@code bits}, public exponent 65537 and BC's certainty 80, as RSAKeyPairGenerator does. */
    AsymmetricCipherKeyPair generate(int bits) {
        random = new Refusing(new SecureRandom(), done);
        init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), random, bits, 80));
        try {
            return generateKeyPair();
        } finally {
            done.set(true);
        }
    }

    /** From now on the primes are searched on up to {@code maxWorkers} threads. */
    synchronized void hurry() {
        hurried = true;
        if (search != null && !done.get()) {
            addWorkers();
        }
    }

    /** The worker threads started so far. */
    synchronized java.util.List<Thread> workers() {
        return java.util.List.copyOf(workers);
    }

    @Override
    protected BigInteger chooseRandomPrime(int bitlength, BigInteger e, BigInteger sqrdBound) {
        Search wanted = new Search(bitlength, e, sqrdBound);
        boolean theWorkers;
        synchronized (this) {
            if (search == null) {
                search = wanted;
            }
            theWorkers = search.equals(wanted);
            if (theWorkers) {
                addWorkers();
            }
        }
        if (!theWorkers) {   // p and q differ in length (odd strengths): searched here, without holding the lock
            return sievedPrime(wanted);
        }
        Object next;
        try {
            next = found.take();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            done.set(true);
            throw new SigningException("interrupted while generating the ephemeral key", ie);
        }
        if (next instanceof RuntimeException r) {
            throw r;
        }
        if (next instanceof Error err) {
            throw err;
        }
        return (BigInteger) next;
    }

    private void addWorkers() {
        for (int target = hurried ? maxWorkers : 1; workers.size() < target; ) {
            Search s = search;
            Thread t = new Thread(() -> work(s), "ephemeral-key-prime-" + (workers.size() + 1));
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    private void work(Search s) {
        try {
            while (!done.get()) {
                found.add(sievedPrime(s));
            }
        } catch (Refused r) {
            // the key is complete
        } catch (RuntimeException | Error t) {
            found.add(t);
        }
    }

    /**
     * A prime of {@code s}'s length that passes what BC's {@code chooseRandomPrime} asks of one (p squared reaches the
     * bound that keeps n at full length, p mod e is not 1, BC's primality test, gcd(e, p - 1) = 1), from a sieved
     * search of the range those primes lie in ({@link PrimeSieve}); as many attempts as BC allows.
     */
    private BigInteger sievedPrime(Search s) {
        BigInteger low = s.sqrdBound().sqrt();
        if (low.multiply(low).compareTo(s.sqrdBound()) < 0) {
            low = low.add(BigInteger.ONE);
        }
        for (int i = 0; i != 5 * s.bitlength(); i++) {
            BigInteger p = PrimeSieve.search(s.bitlength(), low, random, done::get, Refused::new);
            if (p.multiply(p).compareTo(s.sqrdBound()) < 0 || p.mod(s.e()).equals(BigInteger.ONE)
                    || !isProbablePrime(p) || !s.e().gcd(p.subtract(BigInteger.ONE)).equals(BigInteger.ONE)) {
                continue;
            }
            return p;
        }
        throw new IllegalStateException("unable to generate a prime number for the RSA key");
    }

    /** The key is complete: a worker still searching is stopped at its next candidate. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused() {
            super("the key is complete", null, false, false);
        }
    }

    /** A random source that refuses once its generator is done. */
    private static final class Refusing extends SecureRandom {
        private static final long serialVersionUID = 1L;

        Refusing(SecureRandom real, AtomicBoolean done) {
            super(new Spi(real, done), null);
        }
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final SecureRandom real;
        private final AtomicBoolean done;

        Spi(SecureRandom real, AtomicBoolean done) {
            this.real = real;
            this.done = done;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            real.setSeed(seed);
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            if (done.get()) {
                throw new Refused();
            }
            real.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            return real.generateSeed(numBytes);
        }
    }
}
