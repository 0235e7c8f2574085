package io.avalanche.rpm.bench;

import com.github.luben.zstd.ZstdOutputStream;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** In-process packaging (RpmWriter.write) against raw zstd-jni compression of the same bytes, same settings. */
final class InProcess {
    private InProcess() {
    }

    /** Runs both {@code runs} times, interleaved, after {@code warmups} warm-up runs each; prints two result lines. */
    static void run(Path input, int level, int workers, int runs, int warmups, Path work) throws IOException {
        Compression c = new Compression(Compression.Algorithm.ZSTD, level, workers);
        PackageSpec spec = PackageSpec.builder().name("benchpkg").version("1.0").arch(Arch.X86_64).buildTime(1700000000L)
                .compression(c).file(new FileEntry(input, "/opt/bench/payload.bin", 0644)).build();
        Files.createDirectories(work);
        long[] ours = new long[runs];
        long[] raw = new long[runs];
        long[] oursCpu = new long[runs];
        long[] rawCpu = new long[runs];
        for (int i = 0; i < warmups; i++) {
            writePackage(spec, work);
            rawZstd(input, work.resolve("raw.zst"), c);
        }
        for (int i = 0; i < runs; i++) {
            long cpu = cpuNanos();
            ours[i] = writePackage(spec, work);
            oursCpu[i] = cpuNanos() - cpu;
            cpu = cpuNanos();
            raw[i] = rawZstd(input, work.resolve("raw.zst"), c);
            rawCpu[i] = cpuNanos() - cpu;
        }
        String what = "zstd-" + level + " workers " + workers;
        Results.line("inprocess.package", what, Stats.median(ours));
        Results.line("inprocess.rawzstd", what, Stats.median(raw));
        Results.line("inprocess.package.cpu", what, Stats.median(oursCpu));
        Results.line("inprocess.rawzstd.cpu", what, Stats.median(rawCpu));
        Files.deleteIfExists(work.resolve("raw.zst"));
        Files.deleteIfExists(work.resolve("benchpkg-1.0-1.x86_64.rpm"));
    }

    /** CPU time of the whole process (all threads, including zstd's native workers). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long writePackage(PackageSpec spec, Path work) {
        long t = System.nanoTime();
        RpmWriter.write(spec, work, "benchpkg-1.0-1.x86_64.rpm");
        return System.nanoTime() - t;
    }

    /** The limit: read the file, compress with the same zstd parameters, write the frame to a file. */
    static long rawZstd(Path input, Path out, Compression c) throws IOException {
        long t = System.nanoTime();
        byte[] buf = new byte[1 << 20];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ);
             FileChannel och = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream z = zstd(Channels.newOutputStream(och), c, Files.size(input))) {
            for (int r; (r = in.read(bb.clear())) > 0; ) {
                z.write(buf, 0, r);
            }
        }
        return System.nanoTime() - t;
    }

    /** The same zstd parameters as the writer's PayloadCompressor: level, workers, job size, checksum. */
    private static OutputStream zstd(OutputStream out, Compression c, long size) throws IOException {
        ZstdOutputStream z = new ZstdOutputStream(out, c.level());
        if (c.workers() > 1) {
            z.setWorkers(c.workers());
            z.setJobSize(c.zstdJobSize(size));
        }
        z.setChecksum(true);
        return z;
    }
}
