package io.avalanche.rpm.bench;

import java.util.Locale;

/** Prints one machine-readable result line: {@code RESULT <key> <seconds> <what>} for bench/run.sh. */
final class Results {
    private Results() {
    }

    static void line(String key, String what, long nanos) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %.4f %s", key, nanos / 1e9, what));
    }

    static void value(String key, String what, double v) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %.4f %s", key, v, what));
    }
}
