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

    /**
     * The zstd multi-threading job size for a payload of about {@code payloadBytes} (0: single-threaded).
     * Fast levels use 2 MiB jobs: zstd's default (4 windows, 8 MiB at level 3) keeps ~60 MB of job buffers
     * for two workers. Strong levels split the payload into about four jobs (4..32 MiB): zstd's default of
     * 32 MiB leaves a second worker idle for payloads under 64 MiB. Depends on the payload size only, never
     * on the worker count, so the output is the same on machines with any number of cores (2 or more workers).
     */
    public int zstdJobSize(long payloadBytes) {
        if (algorithm != Algorithm.ZSTD || workers <= 1) {
            return 0;
        }
        long mib = 1 << 20;
        if (level < 10) {
            return (int) (2 * mib);
        }
        long quarter = (payloadBytes + 3) / 4;
        long rounded = (quarter + mib - 1) / mib * mib;
        return (int) Math.max(4 * mib, Math.min(32 * mib, rounded));
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
