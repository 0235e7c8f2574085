package io.avalanche.rpm.build;

import io.avalanche.rpm.SpecException;

import java.util.Locale;

/** Payload compression: algorithm, level and (zstd) worker threads. */
public record Compression(Algorithm algorithm, int level, int workers) {

    /** Payload compressors rpm 4.16 reads, with the names rpm stores in PAYLOADCOMPRESSOR. */
    public enum Algorithm {
        ZSTD("zstd", 1, 19, 19), XZ("xz", 0, 9, 2), GZIP("gzip", 1, 9, 9), NONE("none", 0, 0, 0);

        private final String rpmName;
        private final int min;
        private final int max;
        private final int defaultLevel;

        Algorithm(String rpmName, int min, int max, int defaultLevel) {
            this.rpmName = rpmName;
            this.min = min;
            this.max = max;
            this.defaultLevel = defaultLevel;
        }

        public String rpmName() {
            return rpmName;
        }
    }

    public Compression {
        if (level < algorithm.min || level > algorithm.max) {
            throw new SpecException("compression level " + level + " is outside " + algorithm.min + ".."
                    + algorithm.max + " for " + algorithm.rpmName);
        }
        if (workers < 0 || workers > 64) {
            throw new SpecException("compression workers must be 0..64, not " + workers);
        }
    }

    /** zstd level 19 (RHEL 9's own default) with one worker per core, up to 4. */
    public static Compression defaults() {
        return new Compression(Algorithm.ZSTD, 19, defaultWorkers());
    }

    /** Parses zstd[:LEVEL], xz[:LEVEL], gzip[:LEVEL] or none. */
    public static Compression parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        String[] p = v.split(":", -1);
        Algorithm a;
        try {
            a = Algorithm.valueOf(p[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecException("unknown compression '" + s + "': use zstd[:1-19], xz[:0-9], gzip[:1-9] or none");
        }
        if (p.length > 2 || (p.length == 2 && a == Algorithm.NONE)) {
            throw new SpecException("invalid compression '" + s + "': use zstd[:1-19], xz[:0-9], gzip[:1-9] or none");
        }
        int level = a.defaultLevel;
        if (p.length == 2) {
            try {
                level = Integer.parseInt(p[1]);
            } catch (NumberFormatException e) {
                throw new SpecException("invalid compression level '" + p[1] + "' in '" + s + "'");
            }
        }
        return new Compression(a, level, a == Algorithm.ZSTD ? defaultWorkers() : 0);
    }

    public Compression withWorkers(int n) {
        return new Compression(algorithm, level, n);
    }

    private static int defaultWorkers() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String toString() {
        return algorithm == Algorithm.NONE ? "none" : algorithm.rpmName + ":" + level;
    }
}
