package io.avalanche.rpm.bench;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * In-process package + sign (the engine call release and the Jenkins steps make in one JVM: RpmWriter.write with
 * the signature filled in while writing), alternating run by run with the baseline run as processes by a script
 * (rpmbuild + rpmsign, which prints "BASE seconds"); prints each pair's ratio and the medians.
 */
final class PackageSign {
    private PackageSign() {
    }

    static void run(Path input, Path secretKey, int level, int workers, int runs, Path work, Path baselineScript)
            throws IOException, InterruptedException {
        SigningKey key;
        try (InputStream in = Files.newInputStream(secretKey)) {
            key = SigningKeys.load(in, null, secretKey.toString());
        }
        RpmWriter.SignatureFiller filler = RpmWriter.SignatureFiller.signingWith(key.headerSigner());
        PackageSpec spec = PackageSpec.builder().name("benchpkg").version("1.0").arch(Arch.X86_64)
                .buildTime(1700000000L).compression(new Compression(Compression.Algorithm.ZSTD, level, workers))
                .file(new FileEntry(input, "/opt/bench/payload.bin", 0644)).build();
        Files.createDirectories(work);
        for (int i = 0; i < 2; i++) {   // warm-up: the JVM is long-lived on this path
            RpmWriter.write(spec, work, "benchpkg-1.0-1.x86_64.rpm", n -> { }, filler);
        }
        long[] ours = new long[runs];
        long[] base = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            RpmWriter.write(spec, work, "benchpkg-1.0-1.x86_64.rpm", n -> { }, filler);
            ours[i] = System.nanoTime() - t;
            base[i] = baseline(baselineScript);
            Results.value("inprocess.packagesign.pair" + i, "ours/baseline", (double) ours[i] / base[i]);
        }
        String what = "zstd-" + level + " workers " + workers;
        Results.line("inprocess.packagesign", what, Stats.median(ours));
        Results.line("inprocess.packagesign.base", what, Stats.median(base));
        key.close();
    }

    /** Runs the baseline script (argument list, no shell string) and returns the time it reports. */
    private static long baseline(Path script) throws IOException {
        ProcessRunner.Result r = ProcessRunner.of("bash", script.toString()).run();
        String out = r.output();
        if (!r.ok()) {
            throw new IOException("baseline failed: " + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("BASE ")) {
                return (long) (Double.parseDouble(line.substring(5).trim().replace(',', '.')) * 1e9);
            }
        }
        throw new IOException("baseline printed no BASE line: " + out.toLowerCase(Locale.ROOT));
    }
}
