package io.avalanche.rpm;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Phase timings of one run, printed to standard error at exit when RPM_RELEASE_PROFILE=1 (docs/performance.md). */
public final class Profile {
    private static final boolean ON = "1".equals(System.getenv("RPM_RELEASE_PROFILE"));
    private static final List<String> NAMES = new ArrayList<>();
    private static final List<Long> TIMES = new ArrayList<>();

    private Profile() {
    }

    /** Records that {@code phase} ended now; a no-op unless profiling is on. */
    public static void mark(String phase) {
        if (ON) {
            synchronized (NAMES) {
                NAMES.add(phase + " [" + Thread.currentThread().getName() + "]");
                TIMES.add(System.nanoTime());
            }
        }
    }

    /** Prints each phase with its end time since JVM start and its duration since the previous mark. */
    public static void print(PrintStream err) {
        if (!ON) {
            return;
        }
        long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        long startNanos = System.nanoTime() - (System.currentTimeMillis() - start) * 1_000_000L;
        String t0 = System.getenv("RPM_RELEASE_PROFILE_T0");   // e.g. bash's $EPOCHREALTIME before the launcher
        if (t0 != null && t0.matches("[0-9]+[.,][0-9]+")) {
            double launched = Double.parseDouble(t0.replace(',', '.')) * 1000;
            err.println(String.format(Locale.ROOT, "profile: %7.1f          launcher and JVM start until the JVM's start"
                    + " time", start - launched));
        }
        synchronized (NAMES) {
            long prev = startNanos;
            err.println("profile: ms since JVM start, ms in phase");
            for (int i = 0; i < NAMES.size(); i++) {
                long t = TIMES.get(i);
                err.println(String.format(Locale.ROOT, "profile: %7.1f %7.1f  %s", (t - startNanos) / 1e6,
                        (t - prev) / 1e6, NAMES.get(i)));
                prev = t;
            }
        }
    }
}
