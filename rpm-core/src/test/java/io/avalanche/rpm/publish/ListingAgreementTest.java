package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.yum.PackageMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The new metadata computed while the listing is still under way (from the current metadata and the packages just
 * published) is what the metadata computed after the listing would be, and is replaced by it when the listing shows
 * packages the current metadata does not describe as they are stored.
 */
class ListingAgreementTest {
    private static final String DIR = "linux/rpms/x86_64/";

    @TempDir
    Path tmp;

    /** A repository of three packages, indexed; its root. */
    private Path seeded() throws Exception {
        Path root = tmp.resolve("dest");
        Path dir = Files.createDirectories(root.resolve(DIR));
        Map<String, PackageMetadata> all = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            PackageMetadata m = metadata(stored(root, "1.0." + i));
            all.put(m.href(), m);
        }
        new YumRepository(new FileStore(root), DIR, null, 1700000000L, s -> { }).update(all);
        assertThat(Files.list(dir.resolve("repodata"))).hasSize(4);
        return root;
    }

    private Path built(String version) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("w" + version + "-" + System.nanoTime()));
        return TestRpms.build(work, "avalanchego", version, "x86_64", List.of());
    }

    /** A package built and stored under its published name. */
    private Path stored(Path root, String version) throws Exception {
        Path rpm = built(version);
        return Files.copy(rpm, root.resolve(DIR).resolve(TestRpms.publishedName(rpm)));
    }

    private static PackageMetadata metadata(Path rpm) {
        return PackageMetadata.from(RpmReader.read(rpm), Digests.hex(Digests.sha256(rpm)), 1700000000L,
                rpm.getFileName().toString());
    }

    /** What phase 1 computes with the package listing of DIR held back until the computation waits for it. */
    private Computation whileListing(Path root, Map<String, PackageMetadata> fresh) throws Exception {
        CountingStore store = new CountingStore(new FileStore(root));
        CountDownLatch release = new CountDownLatch(1);
        store.beforeList = prefix -> {
            if (prefix.equals(DIR)) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<String> log = new ArrayList<>();
        try (Parallel io = new Parallel(2)) {
            YumRepository y = new YumRepository(store, DIR, null, 1700000000L, log::add, io);
            RepositoryState state = y.read();
            assertThat(state.splice()).as("the current metadata can be spliced").isNotNull();
            assertThat(state.listedYet()).as("the listing is held back").isFalse();
            YumRepository.Computed[] out = new YumRepository.Computed[1];
            Thread t = new Thread(() -> out[0] = y.compute(state, fresh), "compute");
            t.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t.getState() != Thread.State.WAITING) {
                assertThat(t.isAlive()).as("the computation waits for the listing").isTrue();
                assertThat(System.nanoTime()).as("the computation waits for the listing").isLessThan(deadline);
                Thread.sleep(2);
            }
            release.countDown();
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(out[0]).isNotNull();
            return new Computation(out[0], log);
        }
    }

    /** What phase 1 computes from a listing that was in before it started (no pool: one request after another). */
    private Computation afterListing(Path root, Map<String, PackageMetadata> fresh) {
        List<String> log = new ArrayList<>();
        YumRepository y = new YumRepository(new FileStore(root), DIR, null, 1700000000L, log::add);
        RepositoryState state = y.read();
        assertThat(state.listedYet()).isTrue();
        return new Computation(y.compute(state, fresh), log);
    }

    private record Computation(YumRepository.Computed computed, List<String> log) {
        YumRepository.Pending pending() {
            return computed.pending();
        }
    }

    private static void assertSame(Computation early, Computation late) {
        assertThat(new String(early.pending().repomd())).isEqualTo(new String(late.pending().repomd()));
        assertThat(early.pending().result()).isEqualTo(late.pending().result());
        assertThat(early.log()).isEqualTo(late.log()).hasSize(1);
        assertThat(early.computed().puts()).hasSameSizeAs(late.computed().puts());
    }

    /**
     * Publishing 1.1.0 into the repository at {@code root}: what phase 1 computes while the listing is held back,
     * checked to be what it computes from a listing that was in before it.
     */
    private Computation publishing(Path root) throws Exception {
        PackageMetadata m = metadata(built("1.1.0"));
        Map<String, PackageMetadata> fresh = Map.of(m.href(), m);
        Computation early = whileListing(root, fresh);
        assertSame(early, afterListing(root, fresh));
        return early;
    }

    /** The stored package of {@code version}. */
    private static Path storedPackage(Path root, String version) throws Exception {
        try (var s = Files.list(root.resolve(DIR))) {
            return s.filter(p -> p.getFileName().toString().contains(version)).findFirst().orElseThrow();
        }
    }

    @Test
    void aListingThatAgreesKeepsTheMetadataComputedBeforeIt() throws Exception {
        Computation c = publishing(seeded());
        assertThat(c.pending().result().packages()).isEqualTo(4);
        assertThat(c.pending().result().reused()).isEqualTo(3);
        assertThat(c.log().get(0)).contains("copied as they were");
    }

    @Test
    void aStoredPackageTheMetadataDoesNotDescribeIsReadFromItsHeaders() throws Exception {
        Path root = seeded();
        stored(root, "1.0.9");   // stored by a run that failed before its index was written
        YumRepository.Result r = publishing(root).pending().result();
        assertThat(r.packages()).isEqualTo(5);
        assertThat(r.readRemotely()).isEqualTo(1);
    }

    @Test
    void aPackageGoneFromTheStoreIsDropped() throws Exception {
        Path root = seeded();
        Files.delete(storedPackage(root, "1.0.2"));
        YumRepository.Result r = publishing(root).pending().result();
        assertThat(r.packages()).isEqualTo(3);
        assertThat(r.reused()).isEqualTo(2);
    }

    @Test
    void aPackageStoredWithAnotherSizeThanItsEntryIsReadAgain() throws Exception {
        Path root = seeded();
        Files.write(storedPackage(root, "1.0.3"), Files.readAllBytes(built("1.0.3")),
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(publishing(root).pending().result().readRemotely()).isEqualTo(1);
    }
}
