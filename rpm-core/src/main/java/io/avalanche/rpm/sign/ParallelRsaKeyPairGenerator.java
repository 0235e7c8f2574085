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
 * per processor (two to four) once someone waits for the key ({@link #hurry}). Each prime is one that BC's own
 * {@code chooseRandomPrime} returned from a search of its own (its own random candidates), and BC's checks of p, q,
 * n and d apply unchanged. Workers stop within one candidate once the key is complete: their random source refuses
 * them.
 */
final class ParallelRsaKeyPairGenerator extends RSAKeyPairGenerator {
    private final int maxWorkers;
    private final BlockingQueue<Object> found = new LinkedBlockingQueue<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final java.util.List<Thread> workers = new java.util.ArrayList<>();
    private boolean hurried;
    /** What the workers search for: set by the first call of {@link #chooseRandomPrime}. */
    private Search search;

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
        init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001),
                new Refusing(new SecureRandom(), done), bits, 80));
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
            return super.chooseRandomPrime(bitlength, e, sqrdBound);
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
                found.add(super.chooseRandomPrime(s.bitlength(), s.e(), s.sqrdBound()));
            }
        } catch (Refused r) {
            // the key is complete
        } catch (RuntimeException | Error t) {
            found.add(t);
        }
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
