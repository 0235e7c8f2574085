package io.avalanche.rpm.write;

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

    /**
     * The release default, chosen by measurement (docs/performance.md, "Compression levels"): zstd-19 for a tagged
     * release, which customers download many times (the smallest zstd payload; zstd decompresses as fast at any
     * level); zstd-3 for a pull-request smoke build, which is thrown away (10-20x faster to make).
     */
    public static Compression forRelease(boolean pullRequest) {
        return pullRequest ? new Compression(Algorithm.ZSTD, 3, defaultWorkers()) : defaults();
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

    /** Java heap the encoder allocates (xz's dictionary and match finder); 0 for the others (zstd is native). */
    public long encoderHeapBytes() {
        if (algorithm != Algorithm.XZ) {
            return 0;
        }
        try {
            return new org.tukaani.xz.LZMA2Options(level).getEncoderMemoryUsage() * 1024L;
        } catch (org.tukaani.xz.UnsupportedOptionsException e) {
            throw new SpecException("xz level " + level + " is not supported: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses, before any output, a level whose encoder would not fit: more than half of {@code maxHeapBytes}
     * (the rest holds buffers and the old generation's headroom). Under the launcher's 512 MB heap xz:8 and
     * xz:9 are refused, xz:7 and below fit.
     */
    public void checkMemory(long maxHeapBytes) {
        long need = encoderHeapBytes();
        if (need > maxHeapBytes / 2) {
            long mib = 1 << 20;
            throw new SpecException("compression " + this + " needs about " + need / mib + " MiB of Java heap for"
                    + " its encoder, more than half of this JVM's " + maxHeapBytes / mib + " MiB: use a lower level"
                    + " (xz:7 needs " + new Compression(Algorithm.XZ, 7, 0).encoderHeapBytes() / mib + " MiB) or"
                    + " zstd, or give the JVM at least " + (need * 2 / mib + 64) + " MiB (e.g."
                    + " RPM_RELEASE_JAVA_OPTS=-Xmx" + ((need * 2 / mib + 64 + 1023) / 1024) + "g for ./rpm-release)");
        }
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
