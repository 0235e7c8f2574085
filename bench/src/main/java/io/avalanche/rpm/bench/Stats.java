package io.avalanche.rpm.bench;

import java.util.Arrays;

/** Median of nanosecond samples. */
final class Stats {
    private Stats() {
    }

    static long median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
