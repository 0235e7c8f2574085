package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Forced publishes that race (issue 21, point 11): a replacement is conditional on the ETag that was read, a publish
 * whose package was replaced by another before its index names it never exits 0, a forced replacement that never got
 * its index (a run that lost or died) leaves a marker, and the next publish re-reads the entries it copies forward whose
 * package is marked, so no index lists a checksum its stored package does not have for longer than that.
 */
class ForcedPublishRaceTest {
    static final String X86 = Layout.SEED.root() + "x86_64/";
    static final String FILE = "avalanchego-v5.0.0-x86_64.rpm";
    @TempDir
    Path tmp;

    /** A release directory with one package named {@code file}; {@code variant} makes its bytes differ. */
    private Path release(String file, String version, String variant) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work-" + variant));
        Path rel = Files.createDirectories(tmp.resolve("release-" + variant));
        Path p = TestRpms.build(work, "avalanchego", version, "x86_64", List.of("Provides: variant-" + variant));
        Files.move(p, rel.resolve(file));
        return rel;
    }

    private static Publisher.Options options(long ts, boolean force) {
        return Publisher.Options.defaults(null).withTimestamp(ts).withoutReleaseChecks().withForce(force);
    }

    private static Publisher publisher(ObjectStore store) {
        return new Publisher(store, o -> { }, s -> { });
    }

    /** href to the SHA-256 the repository's primary.xml lists. */
    static Map<String, String> listed(ObjectStore store, String dir) {
        Repomd r = Repomd.parse(store.get(dir + YumRepository.REPOMD).orElseThrow(), dir);
        byte[][] docs = new byte[3][];
        String[] types = {"primary", "filelists", "other"};
        for (int i = 0; i < 3; i++) {
            docs[i] = YumRepository.gunzip(store.get(dir + r.entry(types[i]).orElseThrow().href()).orElseThrow());
        }
        Map<String, String> m = new TreeMap<>();
        for (PackageMetadata p : RepoXml.read(docs[0], docs[1], docs[2])) {
            m.put(p.href(), p.sha256());
        }
        return m;
    }

    /** href to the SHA-256 of the bytes stored under it. */
    static Map<String, String> stored(ObjectStore store, String dir, Iterable<String> hrefs) {
        Map<String, String> m = new TreeMap<>();
        for (String h : hrefs) {
            m.put(h, Digests.sha256Hex(store.get(dir + h).orElseThrow()));
        }
        return m;
    }

    static void assertIndexMatchesObjects(ObjectStore store) {
        Map<String, String> listed = listed(store, X86);
        assertThat(stored(store, X86, listed.keySet())).as("primary.xml against the stored packages")
                .isEqualTo(listed);
    }

    @Test
    void ofTwoForcedPublishesThatReplaceEachOtherThePublishWhoseBytesLostDoesNotExitZero() throws Exception {
        Path x = release(FILE, "5.0.0", "x");
        Path y = release(FILE, "5.0.0", "y");
        Path other = release("avalanchego-v5.0.1-x86_64.rpm", "5.0.1", "other");
        try (S3ProxyFixture s3 = S3ProxyFixture.start("force");
             S3Store raw = S3Store.open("s3://force/p", s3.settings())) {
            publisher(raw).publish(x, options(1, false));
            // A replaces X with Y; just before A writes its index, B replaces Y with X again and completes (its index
            // is the one already published); A's index then names Y while the bucket holds X
            CountingStore hooked = new CountingStore(raw);
            AtomicBoolean once = new AtomicBoolean();
            List<Throwable> b = new CopyOnWriteArrayList<>();
            hooked.beforeConditionalWrite = k -> {
                if (k.equals(X86 + YumRepository.REPOMD) && once.compareAndSet(false, true)) {
                    try {
                        publisher(raw).publish(x, options(2, true));
                    } catch (RuntimeException e) {
                        b.add(e);
                    }
                }
            };
            assertThatThrownBy(() -> publisher(hooked).publish(y, options(3, true)))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("s3://force/p/" + X86 + FILE)
                    .hasMessageContaining("replaced by a concurrent publish")
                    .hasMessageContaining("re-run publish");
            assertThat(once).isTrue();
            assertThat(b).as("B completed").isEmpty();
            assertThat(raw.get(X86 + FILE).orElseThrow()).isEqualTo(Files.readAllBytes(x.resolve(FILE)));

            // whatever is published next (here another package, unforced) re-reads the marked entry: the index and
            // the bucket agree again
            publisher(raw).publish(other, options(4, false));
            assertIndexMatchesObjects(raw);
            assertThat(listed(raw, X86)).containsKeys(FILE, "avalanchego-v5.0.1-x86_64.rpm");
        }
    }

    @Test
    void aForcedReplacementIsConditionalOnTheETagItRead() throws Exception {
        Path x = release(FILE, "5.0.0", "x");
        Path y = release(FILE, "5.0.0", "y");
        Path z = release(FILE, "5.0.0", "z");
        try (S3ProxyFixture s3 = S3ProxyFixture.start("etag");
             S3Store raw = S3Store.open("s3://etag", s3.settings())) {
            publisher(raw).publish(x, options(1, false));
            CountingStore hooked = new CountingStore(raw);
            AtomicBoolean once = new AtomicBoolean();
            // B replaces X with Z between A's read of X and A's upload of Y
            hooked.beforeConditionalWrite = k -> {
                if (k.equals(X86 + FILE) && once.compareAndSet(false, true)) {
                    publisher(raw).publish(z, options(2, true));
                }
            };
            assertThatThrownBy(() -> publisher(hooked).publish(y, options(3, true)))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("concurrent publish stored different bytes");
            assertThat(once).isTrue();
            // A replaced nothing: Z stays, named by B's index
            assertThat(raw.get(X86 + FILE).orElseThrow()).isEqualTo(Files.readAllBytes(z.resolve(FILE)));
            assertIndexMatchesObjects(raw);
        }
    }

    @Test
    void aStreamedForcedReplacementIsConditionalOnTheETagToo() throws Exception {
        try (TestGpg gpg = TestGpg.generate(tmp);
             S3ProxyFixture s3 = S3ProxyFixture.start("stream");
             S3Store raw = S3Store.open("s3://stream", s3.settings())) {
            Path x = signed(gpg, "x");
            Path y = signed(gpg, "y");
            Path z = signed(gpg, "z");
            Publisher.Options checked = Publisher.Options.defaults(gpg.signer()).withTimestamp(1);
            publisher(raw).publish(x, checked);
            CountingStore hooked = new CountingStore(raw);
            AtomicBoolean once = new AtomicBoolean();
            List<String> log = new CopyOnWriteArrayList<>();
            hooked.beforeConditionalWrite = k -> {
                if (k.equals(X86 + FILE) && once.compareAndSet(false, true)) {
                    publisher(raw).publish(z, checked.withTimestamp(2).withForce(true));
                }
            };
            assertThatThrownBy(() -> new Publisher(hooked, o -> { }, log::add).publish(y,
                    checked.withTimestamp(3).withForce(true)))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("concurrent publish stored different bytes");
            assertThat(once).isTrue();
            assertThat(log).anyMatch(l -> l.contains("as they upload"));   // the streaming strategy ran
            assertThat(raw.get(X86 + FILE).orElseThrow()).isEqualTo(Files.readAllBytes(z.resolve(FILE)));
            assertIndexMatchesObjects(raw);
        }
    }

    /** A checked release (signed package, its key, release.json with the SHA-256): what streams to S3. */
    private Path signed(TestGpg gpg, String variant) throws Exception {
        Path rel = release(FILE, "5.0.0", variant);
        gpg.rpmsign(rel.resolve(FILE));
        Files.write(rel.resolve("RPM-GPG-KEY-avalanchego"), gpg.publicKey());
        Files.writeString(rel.resolve("release.json"), "{\"files\": [{\"name\": \"" + FILE + "\", \"sha256\": \""
                + Digests.sha256Hex(Files.readAllBytes(rel.resolve(FILE))) + "\"}, {\"name\": "
                + "\"RPM-GPG-KEY-avalanchego\", \"sha256\": \""
                + Digests.sha256Hex(Files.readAllBytes(rel.resolve("RPM-GPG-KEY-avalanchego"))) + "\"}]}\n");
        return rel;
    }

    @Test
    void twoThreadsOfForcedPublishesLeaveAnIndexTheBucketAgreesWithOnceTheNextPublishRan() throws Exception {
        Path x = release(FILE, "5.0.0", "x");
        Path y = release(FILE, "5.0.0", "y");
        Path other = release("avalanchego-v5.0.1-x86_64.rpm", "5.0.1", "other");
        try (S3ProxyFixture s3 = S3ProxyFixture.start("threads");
             S3Store raw = S3Store.open("s3://threads", s3.settings())) {
            publisher(raw).publish(x, options(1, false));
            List<String> outcomes = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (Path rel : List.of(x, y)) {
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 4; i++) {
                        try (S3Store own = S3Store.open("s3://threads", s3.settings())) {
                            publisher(own).publish(rel, options(10 + i, true));
                            outcomes.add("ok");
                        } catch (RuntimeException e) {   // a lost race: exit 1, told to re-run
                            outcomes.add(e.getClass().getSimpleName());
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(120_000);
            }
            assertThat(outcomes).hasSize(8);
            publisher(raw).publish(other, options(20, false));
            assertIndexMatchesObjects(raw);
        }
    }

    @Test
    void aForcedPublishThatDiesBeforeItsIndexIsRepairedByTheNextPublishOnS3() throws Exception {
        Path x = release(FILE, "5.0.0", "x");
        Path y = release(FILE, "5.0.0", "y");
        Path other = release("avalanchego-v5.0.1-x86_64.rpm", "5.0.1", "other");
        try (S3ProxyFixture s3 = S3ProxyFixture.start("died");
             S3Store raw = S3Store.open("s3://died", s3.settings())) {
            diesBeforeItsIndexThenTheNextPublishRepairs(raw, x, y, other);
        }
    }

    @Test
    void aForcedPublishThatDiesBeforeItsIndexIsRepairedByTheNextPublishOnADirectory() throws Exception {
        Path x = release(FILE, "5.0.0", "x");
        Path y = release(FILE, "5.0.0", "y");
        Path other = release("avalanchego-v5.0.1-x86_64.rpm", "5.0.1", "other");
        diesBeforeItsIndexThenTheNextPublishRepairs(new FileStore(tmp.resolve("bucket")), x, y, other);
    }

    private void diesBeforeItsIndexThenTheNextPublishRepairs(ObjectStore raw, Path x, Path y, Path other)
            throws Exception {
        publisher(raw).publish(x, options(1, false));
        CountingStore dying = new CountingStore(raw);
        dying.beforeConditionalWrite = k -> {
            if (k.equals(X86 + YumRepository.REPOMD)) {
                throw new IllegalStateException("killed before the index");
            }
        };
        assertThatThrownBy(() -> publisher(dying).publish(y, options(2, true)))
                .hasMessageContaining("killed before the index");
        // Y is stored, the index still lists X: what a run killed at that point leaves
        assertThat(raw.get(X86 + FILE).orElseThrow()).isEqualTo(Files.readAllBytes(y.resolve(FILE)));
        assertThat(listed(raw, X86).get(FILE)).isEqualTo(Digests.sha256Hex(Files.readAllBytes(x.resolve(FILE))));

        List<String> log = new ArrayList<>();
        new Publisher(raw, o -> { }, log::add).publish(other, options(3, false));
        assertIndexMatchesObjects(raw);
        assertThat(log).anyMatch(l -> l.contains(FILE) && l.contains("re-read"));
    }
}
