package io.avalanche.rpm.bench;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.publish.YumRepository;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Publishing one new package into an empty repository against publishing it into one that holds 1,000 packages
 * (S3Proxy in-process, same client settings). The 1,000 are small unsigned packages written with RpmWriter, stored
 * and indexed once before the runs (not timed); each run publishes the next of the signed packages in SMALL_DIR (a
 * published name is taken forever and must match the header: one package per run, the warm-up included) with its
 * key, alternating empty / 1,000.
 */
final class PublishScale {
    static final int PACKAGES = 1000;

    private PublishScale() {
    }

    static void run(Path smallDir, Path keyAsc, int runs) throws Exception {
        List<Path> small;
        try (var s = Files.list(smallDir)) {
            small = s.filter(p -> p.toString().endsWith(".rpm")).sorted().toList();
        }
        if (small.size() < runs + 1) {
            throw new IllegalArgumentException(smallDir + " holds " + small.size() + " packages; " + (runs + 1)
                    + " needed (one per run and the warm-up)");
        }
        Path work = Files.createTempDirectory("publish-scale");
        BlobStore blobs = new TransientNio2BlobStore();
        blobs.createContainer("bench");
        S3Proxy proxy = Publish.startProxy(blobs);
        try {
            S3Settings settings = Publish.settings(proxy);
            long t = System.nanoTime();
            seed(settings, work);
            Results.line("inprocess.publish.seed1000", PACKAGES + " packages written, stored and indexed",
                    System.nanoTime() - t);
            long[] empty = new long[runs];
            long[] big = new long[runs];
            for (int i = -1; i < runs; i++) {
                Path smallRpm = small.get(i + 1);
                String name = smallRpm.getFileName().toString();
                Path rel = Files.createDirectories(work.resolve("rel" + (i + 1)));
                Files.copy(smallRpm, rel.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(keyAsc, rel.resolve(ReleaseManifest.KEY_FILE), StandardCopyOption.REPLACE_EXISTING);
                // release.json lists every file of the release (the manifest rule), the key file too
                Files.writeString(rel.resolve(ReleaseManifest.FILE_NAME), "{\"files\": [{\"name\": \"" + name
                        + "\", \"sha256\": \"" + Digests.hex(Digests.sha256(smallRpm)) + "\"}, {\"name\": \""
                        + ReleaseManifest.KEY_FILE + "\", \"sha256\": \"" + Digests.hex(Digests.sha256(keyAsc))
                        + "\"}]}\n");
                long e = publish(settings, "empty" + (i + 1), rel);
                long b = publish(settings, "repo1000", rel);
                if (i >= 0) {
                    empty[i] = e;
                    big[i] = b;
                    Results.value("inprocess.publish.scale.pair" + (i + 1), "repo1000/empty", (double) b / e);
                }
            }
            Results.line("inprocess.publish.empty", "one package into an empty repository", Stats.median(empty));
            Results.line("inprocess.publish.repo1000", "one package into a repository of " + PACKAGES
                    + "+ packages", Stats.median(big));
        } finally {
            proxy.stop();
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long publish(S3Settings settings, String prefix, Path rel) {
        try (S3Store store = new S3Store("bench", prefix, settings)) {
            long t = System.nanoTime();
            boolean verbose = System.getenv("BENCH_VERBOSE") != null;
            Publisher.Result r = new Publisher(store, o -> { }, m -> {
                if (verbose) {
                    System.err.printf("%s %4d ms %s%n", prefix, (System.nanoTime() - t) / 1_000_000, m);
                }
            }).publish(rel, Publisher.Options.defaults(null).withTimestamp(1700000000L));
            long d = System.nanoTime() - t;
            if (r.objects().stream().noneMatch(o -> o.status() == Publisher.Status.UPLOADED)) {
                throw new IllegalStateException("the run published nothing new: " + r.objects());
            }
            return d;
        }
    }

    /** 1,000 small packages (distinct names, a few files each) stored under repo1000/ and indexed once. */
    private static void seed(S3Settings settings, Path work) throws Exception {
        Path payload = work.resolve("payload.bin");
        Files.write(payload, new byte[4096]);
        Path conf = work.resolve("app.conf");
        Files.writeString(conf, "setting=1\n");
        Path out = Files.createDirectories(work.resolve("seed"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (S3Store store = new S3Store("bench", "repo1000", settings)) {
            List<Future<PackageMetadata>> fs = new ArrayList<>();
            for (int i = 0; i < PACKAGES; i++) {
                int n = i;
                fs.add(pool.submit(() -> {
                    String name = String.format("seedpkg%04d", n);
                    PackageSpec spec = PackageSpec.builder().name(name).version("1." + n).arch(Arch.X86_64)
                            .buildTime(1700000000L).compression(new Compression(Compression.Algorithm.ZSTD, 1, 1))
                            .file(new FileEntry(payload, "/opt/" + name + "/bin/" + name, 0755))
                            .file(new FileEntry(conf, "/etc/" + name + "/" + name + ".conf", 0644)).build();
                    String file = name + "-1." + n + "-1.x86_64.rpm";
                    Path rpm = RpmWriter.write(spec, out, file);
                    byte[] sha = Digests.sha256(rpm);
                    store.put(Layout.SEED.root() + "x86_64/" + file, rpm, sha);
                    return PackageMetadata.from(RpmReader.read(rpm), Digests.hex(sha), 1700000000L, file);
                }));
            }
            Map<String, PackageMetadata> all = new java.util.TreeMap<>();
            for (Future<PackageMetadata> f : fs) {
                PackageMetadata m = f.get();
                all.put(m.href(), m);
            }
            // one index of all 1,000, from the headers read locally
            YumRepository.Result r = new YumRepository(store, Layout.SEED.root() + "x86_64/", null, 1700000000L,
                    m -> { }).update(all);
            if (r.packages() != PACKAGES) {
                throw new IllegalStateException("seeded " + r.packages() + " packages, expected " + PACKAGES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
