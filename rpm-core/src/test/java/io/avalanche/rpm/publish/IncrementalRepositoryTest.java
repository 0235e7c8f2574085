package io.avalanche.rpm.publish;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Metadata updates are incremental (cost independent of repository size) and per-arch safe under concurrency. */
class IncrementalRepositoryTest {
    @TempDir
    Path tmp;

    private Path release(String name, String version, String arch) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("w-" + name + version + arch));
        Path rel = Files.createDirectories(tmp.resolve("r-" + name + version + arch));
        Path p = TestRpms.build(work, name, version, arch, List.of());
        Files.move(p, rel.resolve(name + "-v" + version + "-" + arch + ".rpm"));
        Files.writeString(rel.resolve(ReleaseManifest.KEY_FILE), "key\n");
        return rel;
    }

    /** 1,000 synthetic entries (metadata only) whose .rpm objects exist with the recorded size. */
    private void seedThousand(FileStore fs, Path template) throws Exception {
        PackageMetadata t = PackageMetadata.from(RpmReader.read(template), "00", 1, "x");
        Map<String, PackageMetadata> fresh = new LinkedHashMap<>();
        Path dir = Files.createDirectories(fs.root().resolve("linux/rpms/x86_64"));
        byte[] body = new byte[100];
        for (int i = 0; i < 1000; i++) {
            String href = "old-" + i + "-x86_64.rpm";
            Files.write(dir.resolve(href), body);
            String sha = Digests.sha256Hex(("pkg" + i).getBytes());
            fresh.put(href, new PackageMetadata("old" + i, "x86_64", "0", "1." + i, "1", sha, t.summary(),
                    t.description(), t.packager(), t.url(), t.fileTime(), t.buildTime(), body.length,
                    t.installedSize(), t.archiveSize(), href, t.license(), t.vendor(), t.group(), t.buildhost(),
                    t.sourcerpm(), t.headerStart(), t.headerEnd(), t.deps(), t.files(), t.changelogs()));
        }
        new YumRepository(fs, "linux/rpms/x86_64/", null, 1, s -> { }).update(fresh);
    }

    @Test
    void publishingIntoAThousandPackageRepositoryCostsAboutTheSameAsIntoAnEmptyOne() throws Exception {
        Path rel = release("avalanchego", "9.9.9", "x86_64");
        Path rpm = rel.resolve("avalanchego-v9.9.9-x86_64.rpm");

        CountingStore empty = new CountingStore(new FileStore(tmp.resolve("empty")));
        long t0 = System.nanoTime();
        new Publisher(empty, o -> { }, s -> { }).publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
        long emptyNanos = System.nanoTime() - t0;

        FileStore bigFs = new FileStore(tmp.resolve("big"));
        seedThousand(bigFs, rpm);
        CountingStore big = new CountingStore(bigFs);
        List<String> log = new ArrayList<>();
        t0 = System.nanoTime();
        Publisher.Result r = new Publisher(big, o -> { }, log::add).publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
        long bigNanos = System.nanoTime() - t0;

        System.out.printf("publish into empty repo: %d requests, %d bytes downloaded, %d ms%n",
                empty.requests.get(), empty.bytesDownloaded.get(), emptyNanos / 1_000_000);
        System.out.printf("publish into 1000-package repo: %d requests, %d bytes downloaded, %d ms%n",
                big.requests.get(), big.bytesDownloaded.get(), bigNanos / 1_000_000);
        assertThat(r.repositories().get(0).packages()).isEqualTo(1001);
        assertThat(r.repositories().get(0).reused()).isEqualTo(1000);
        assertThat(r.repositories().get(0).readRemotely()).isZero();
        assertThat(big.rangeRequests.get()).isZero();
        // existing metadata is read (repomd + 3 files), the repodata listed once: a constant, not per package
        assertThat(big.requests.get() - empty.requests.get()).isBetween(0L, 8L);
        assertThat(RepoMetadataCreaterepoTest.read(bigFs.root().resolve("linux/rpms/x86_64"))).hasSize(1001);
        // the new generation, the one it replaced (kept for readers in flight), repomd.xml
        assertThat(bigFs.list("linux/rpms/x86_64/repodata/")).hasSize(7);
    }

    @Test
    void packagesMissingFromMetadataAreReadByHeaderRangesOnly() throws Exception {
        Path rel = release("avalanchego", "1.0.0", "x86_64");
        Path other = release("subnet-evm", "0.7.0", "x86_64");
        FileStore fs = new FileStore(tmp.resolve("dest"));
        // an RPM that landed without metadata (e.g. copied by hand)
        Path stray = other.resolve("subnet-evm-v0.7.0-x86_64.rpm");
        Files.createDirectories(fs.root().resolve("linux/rpms/x86_64"));
        Files.copy(stray, fs.root().resolve("linux/rpms/x86_64/subnet-evm-v0.7.0-x86_64.rpm"));
        CountingStore counting = new CountingStore(fs);
        Publisher.Result r = new Publisher(counting, o -> { }, s -> { }).publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
        assertThat(r.repositories().get(0).readRemotely()).isEqualTo(1);
        assertThat(counting.rangeRequests.get()).isBetween(1L, 2L);
        List<PackageMetadata> pkgs = RepoMetadataCreaterepoTest.read(fs.root().resolve("linux/rpms/x86_64"));
        PackageMetadata evm = pkgs.stream().filter(p -> p.name().equals("subnet-evm")).findFirst().orElseThrow();
        assertThat(evm.sha256()).isEqualTo(Digests.hex(Digests.sha256(stray)));
        assertThat(evm).usingRecursiveComparison().ignoringFields("fileTime")
                .isEqualTo(PackageMetadata.from(RpmReader.read(stray), evm.sha256(), 0, evm.href()));
    }

    @Test
    void twoArchesPublishingAtOnceDoNotCorruptEachOther() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.start("conc");
             S3Store store = S3Store.open("s3://conc/p", s3.settings())) {
            int rounds = 4;
            List<Path> x86 = new ArrayList<>();
            List<Path> arm = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                x86.add(release("avalanchego", "1.0." + i, "x86_64"));
                arm.add(release("avalanchego", "1.0." + i, "aarch64"));
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < rounds; i++) {
                    CyclicBarrier barrier = new CyclicBarrier(2);
                    List<Future<Publisher.Result>> f = new ArrayList<>();
                    for (Path rel : List.of(x86.get(i), arm.get(i))) {
                        f.add(pool.submit(() -> {
                            barrier.await();
                            return new Publisher(store, o -> { }, s -> { }).publish(rel,
                                    Publisher.Options.defaults(null).withoutReleaseChecks()
                                            .withOrphanGrace(java.time.Duration.ZERO));
                        }));
                    }
                    for (Future<Publisher.Result> x : f) {
                        x.get();
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            for (String arch : List.of("x86_64", "aarch64")) {
                List<String> hrefs = RepoMetadataCreaterepoTestSupport.packages(store, "linux/rpms/" + arch + "/");
                assertThat(hrefs).containsExactly("avalanchego-v1.0.0-" + arch + ".rpm",
                        "avalanchego-v1.0.1-" + arch + ".rpm", "avalanchego-v1.0.2-" + arch + ".rpm",
                        "avalanchego-v1.0.3-" + arch + ".rpm");
                // current generation + the previous one + repomd.xml; older generations are gone
                assertThat(store.list("linux/rpms/" + arch + "/repodata/")).hasSize(7);
            }
        }
    }
}
