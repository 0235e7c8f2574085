package io.avalanche.rpm.bench;

import java.nio.file.Path;
import java.util.Arrays;

/** Entry point of the in-process measurements bench/run.sh drives; prints RESULT lines. */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] a) throws Exception {
        if (a.length == 0) {
            usage();
        }
        switch (a[0]) {
            case "inprocess" -> InProcess.run(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                    Integer.parseInt(a[4]), Integer.parseInt(a[5]), Path.of(a[6]));
            case "sign" -> SignVerify.sign(Path.of(a[1]), Path.of(a[2]), Path.of(a[3]), Integer.parseInt(a[4]));
            case "verify" -> SignVerify.verify(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            case "packagesign" -> PackageSign.run(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]),
                    Integer.parseInt(a[4]), Integer.parseInt(a[5]), Path.of(a[6]), Path.of(a[7]));
            case "publish" -> Publish.run(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            case "publish-scale" -> PublishScale.run(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            case "keywait" -> KeyWait.run(Integer.parseInt(a[1]), Long.parseLong(a[2]));
            case "keygen" -> KeyWait.once(a[1]);
            case "rawjob" -> {
                long t = System.nanoTime();
                com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(
                        java.nio.file.Files.newOutputStream(Path.of(a[5])), Integer.parseInt(a[2]));
                z.setWorkers(Integer.parseInt(a[3]));
                if (Integer.parseInt(a[4]) > 0) {
                    z.setJobSize(Integer.parseInt(a[4]));
                }
                z.setChecksum(true);
                try (var in = java.nio.file.Files.newInputStream(Path.of(a[1])); z) {
                    in.transferTo(z);
                }
                Results.line("rawjob", String.join(" ", Arrays.copyOfRange(a, 2, 5)), System.nanoTime() - t);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: Bench inprocess INPUT LEVEL WORKERS RUNS WARMUPS WORKDIR | sign SECRET_KEY SMALL_RPM LARGE_RPM RUNS"
                + " | verify PUBLIC_KEY RPM RUNS | packagesign INPUT SECRET_KEY LEVEL WORKERS RUNS WORKDIR BASELINE_SCRIPT"
                + " | publish RELEASE_DIR RPM RUNS | publish-scale SMALL_RPM_DIR PUBLIC_KEY RUNS | rawjob INPUT LEVEL WORKERS JOBSIZE OUT"
                + " | keywait PAIRS BUILD_MS | keygen bc|ours");
        System.exit(2);
    }
}
