package io.avalanche.rpm.bench;

import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.sign.PendingKey;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.FutureTask;

/**
 * How long a release waits for its ephemeral RSA-4096 key after a build that kept one core busy: Bouncy Castle's
 * generator on one thread (the baseline) against {@link PendingKey}'s, in alternating pairs.
 */
final class KeyWait {
    private static volatile long sink;

    private KeyWait() {
    }

    static void run(int pairs, long buildMillis) throws Exception {
        List<Double> bc = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            FutureTask<Object> one = new FutureTask<>(() -> {
                RSAKeyPairGenerator g = new RSAKeyPairGenerator();
                g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 4096, 80));
                return g.generateKeyPair();
            });
            Thread t = new Thread(one);
            t.setDaemon(true);
            t.start();
            busy(buildMillis);
            long w = System.nanoTime();
            one.get();
            bc.add((System.nanoTime() - w) / 1e6);

            try (PendingKey pending = PendingKey.start(new KeySource.Ephemeral())) {
                busy(buildMillis);
                w = System.nanoTime();
                pending.get();
                ours.add((System.nanoTime() - w) / 1e6);
            }
        }
        System.out.println("wait after a " + buildMillis + " ms build, ms, one thread (BC):  " + fmt(bc));
        System.out.println("wait after a " + buildMillis + " ms build, ms, PendingKey:        " + fmt(ours));
        Results.value("keywait.bc.mean", "ms", mean(bc));
        Results.value("keywait.ours.mean", "ms", mean(ours));
    }

    /** One RSA-4096 key in this (fresh) JVM: {@code bc} on one thread, {@code ours} as {@code sign --ephemeral} does. */
    static void once(String which) throws Exception {
        long t = System.nanoTime();
        if (which.equals("bc")) {
            RSAKeyPairGenerator g = new RSAKeyPairGenerator();
            g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 4096, 80));
            g.generateKeyPair();
        } else {
            new KeySource.Ephemeral().open().close();
        }
        Results.line("keygen." + which, "RSA-4096 in a fresh JVM", System.nanoTime() - t);
    }

    private static void busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        sink = x;
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static String fmt(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return String.format(Locale.ROOT, "mean %.0f, median %.0f, worst %.0f (%s)", mean(v), s.get(s.size() / 2),
                s.get(s.size() - 1), v.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
    }
}
