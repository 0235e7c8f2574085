package io.avalanche.rpm.sign;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ephemeral key's primes come from worker threads: keys are sound RSA keys whichever thread found the primes,
 * one worker searches until someone waits, then one per processor, and none outlives the key.
 */
class ParallelRsaKeyPairGeneratorTest {

    @Test
    void keysAreSoundRsaKeysOfTheSizeAskedForWithOrWithoutHurrying() throws Exception {
        BigInteger first = null;
        for (boolean hurried : new boolean[] {false, true, true}) {
            ParallelRsaKeyPairGenerator gen = new ParallelRsaKeyPairGenerator(3);
            if (hurried) {
                gen.hurry();
            }
            AsymmetricCipherKeyPair kp = gen.generate(2048);
            RSAKeyParameters pub = (RSAKeyParameters) kp.getPublic();
            RSAPrivateCrtKeyParameters priv = (RSAPrivateCrtKeyParameters) kp.getPrivate();
            BigInteger p = priv.getP();
            BigInteger q = priv.getQ();
            BigInteger n = pub.getModulus();
            assertThat(n.bitLength()).isEqualTo(2048);
            assertThat(p.multiply(q)).isEqualTo(n);
            assertThat(p.bitLength()).isEqualTo(1024);
            assertThat(q.bitLength()).isEqualTo(1024);
            assertThat(p.isProbablePrime(100)).isTrue();
            assertThat(q.isProbablePrime(100)).isTrue();
            assertThat(p.subtract(q).abs().bitLength()).isGreaterThanOrEqualTo(2048 / 3);
            assertThat(pub.getExponent()).isEqualTo(BigInteger.valueOf(65537));
            BigInteger p1 = p.subtract(BigInteger.ONE);
            BigInteger q1 = q.subtract(BigInteger.ONE);
            BigInteger lcm = p1.multiply(q1).divide(p1.gcd(q1));
            assertThat(priv.getExponent().multiply(pub.getExponent()).mod(lcm)).isEqualTo(BigInteger.ONE);
            assertThat(n).isNotEqualTo(first);
            first = n;

            // the JDK's own RSA accepts the pair: a signature by the private key verifies with the public key
            KeyFactory kf = KeyFactory.getInstance("RSA");
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(kf.generatePrivate(new RSAPrivateCrtKeySpec(n, pub.getExponent(), priv.getExponent(), p, q,
                    priv.getDP(), priv.getDQ(), priv.getQInv())));
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            s.initVerify(kf.generatePublic(new RSAPublicKeySpec(n, pub.getExponent())));
            s.update(new byte[] {1, 2, 3});
            assertThat(s.verify(sig)).isTrue();

            assertThat(gen.workers()).as("hurried " + hurried).hasSize(hurried ? 3 : 1);
            assertWorkersEnd(gen.workers());
        }
    }

    @Test
    void hurryingWhileTheKeyIsSearchedStartsTheOtherWorkers() throws Exception {
        ParallelRsaKeyPairGenerator gen = new ParallelRsaKeyPairGenerator(3);
        AtomicReference<AsymmetricCipherKeyPair> key = new AtomicReference<>();
        Thread t = new Thread(() -> key.set(gen.generate(4096)));
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gen.workers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(gen.workers()).hasSize(1);
        gen.hurry();
        assertThat(gen.workers()).hasSize(3);
        t.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(key.get()).isNotNull();
        assertThat(((RSAKeyParameters) key.get().getPublic()).getModulus().bitLength()).isEqualTo(4096);
        assertWorkersEnd(gen.workers());
    }

    @Test
    void anInterruptedGenerationFailsAndStopsItsWorkersMidSearch() throws Exception {
        ParallelRsaKeyPairGenerator gen = new ParallelRsaKeyPairGenerator(3);
        gen.hurry();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                gen.generate(8192);   // 4,096-bit primes, seconds each: the workers are searching when interrupted
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gen.workers().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        Thread.sleep(200);
        t.interrupt();
        t.join(10_000);
        assertThat(failure.get()).isInstanceOf(SigningException.class)
                .hasMessage("interrupted while generating the ephemeral key");
        assertWorkersEnd(gen.workers());
    }

    @Test
    void aPendingEphemeralKeyIsHurriedOnlyOnceSomeoneWaitsForIt() throws Exception {
        CountDownLatch hurried = new CountDownLatch(1);
        SigningKey key = SigningKeys.ephemeral(2048, Clock.systemUTC());
        PendingKey pending = PendingKey.opening(() -> {
            if (!hurried.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never hurried");
            }
            return key;
        }, hurried::countDown);
        Thread.sleep(50);
        assertThat(hurried.getCount()).as("hurried before anyone waited").isEqualTo(1);
        assertThat(pending.opening()).isTrue();
        assertThat(pending.get()).isSameAs(key);
    }

    @Test
    void closingAPendingEphemeralKeyStopsItsSearch() throws Exception {
        try (AutoCloseable fresh = RsaKeyReuse.JVM.fresh()) {   // a search, even once the test run's pool is full
            PendingKey pending = PendingKey.start(new KeySource.Ephemeral());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<Thread> workers = List.of();
            while (workers.isEmpty() && System.nanoTime() < deadline) {
                workers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("ephemeral-key-prime-")).toList();
            }
            assertThat(workers).hasSize(1);
            pending.close();
            assertWorkersEnd(workers);
        }
    }

    /** Every worker ends within 2 s of the key (it stops at its next candidate: ms, tens of ms on a busy machine). */
    private static void assertWorkersEnd(List<Thread> workers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (Thread w : workers) {
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertThat(w.isAlive()).as(w.getName() + " still searching 2 s after the key").isFalse();
        }
    }
}
