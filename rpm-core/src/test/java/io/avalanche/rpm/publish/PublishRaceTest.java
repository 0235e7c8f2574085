package io.avalanche.rpm.publish;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.store.StoreException;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.S3Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two publishers of one repository: on S3 the loser's conditional write of repomd.xml is refused (S3Proxy honours
 * If-Match / If-None-Match) and it is told to re-run; on a directory the second waits for the first's lock, which
 * another process (python's fcntl.lockf, the same POSIX lock as FileChannel.lock) sees and holds.
 */
class PublishRaceTest {
    static final String X86 = Layout.SEED.root() + "x86_64/";
    @TempDir
    Path tmp;

    private Path release(String version) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work-" + version));
        Path rel = Files.createDirectories(tmp.resolve("release-" + version));
        Path p = TestRpms.build(work, "avalanchego", version, "x86_64", List.of());
        Files.move(p, rel.resolve("avalanchego-v" + version + "-x86_64.rpm"));
        return rel;
    }

    private static Publisher.Options options(long ts) {
        return Publisher.Options.defaults(null).withTimestamp(ts).withoutReleaseChecks();
    }

    private static Publisher publisher(ObjectStore store) {
        return new Publisher(store, o -> { }, s -> { });
    }

    @Test
    void onS3ThePublisherWhoseIndexChangedUnderItLosesAndTheWinnersIndexStaysWhole() throws Exception {
        Path r0 = release("1.0.0");
        Path r1 = release("1.0.1");
        Path r2 = release("1.0.2");
        try (S3ProxyFixture s3 = S3ProxyFixture.start("race");
             S3Store raw = S3Store.open("s3://race/p", s3.settings())) {
            publisher(raw).publish(r0, options(1));
            CountingStore hooked = new CountingStore(raw);
            AtomicBoolean once = new AtomicBoolean();
            // the other publisher completes after this one checked repomd.xml and before it writes it
            hooked.beforeConditionalWrite = k -> {
                if (k.equals(X86 + YumRepository.REPOMD) && once.compareAndSet(false, true)) {
                    publisher(raw).publish(r1, options(2));
                }
            };
            assertThatThrownBy(() -> publisher(hooked).publish(r2, options(3)))
                    .isInstanceOf(ConcurrentWriteException.class)
                    .hasMessageContaining("s3://race/p/linux/rpms/x86_64/repodata/repomd.xml")
                    .hasMessageContaining("re-run publish");
            assertThat(once).isTrue();
            // the winner's index stands; it also lists the loser's package, uploaded before the winner listed
            assertThat(RepoMetadataCreaterepoTestSupport.packages(raw, X86)).containsExactly(
                    "avalanchego-v1.0.0-x86_64.rpm", "avalanchego-v1.0.1-x86_64.rpm", "avalanchego-v1.0.2-x86_64.rpm");

            hooked.beforeConditionalWrite = k -> { };
            publisher(hooked).publish(r2, options(4));
            assertThat(RepoMetadataCreaterepoTestSupport.packages(raw, X86)).containsExactly(
                    "avalanchego-v1.0.0-x86_64.rpm", "avalanchego-v1.0.1-x86_64.rpm", "avalanchego-v1.0.2-x86_64.rpm");
        }
    }

    @Test
    void onS3AnImmutableObjectThatAppearsMidWriteIsNotOverwritten() throws Exception {
        Path mine = release("2.0.0");
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Path other = TestRpms.build(Files.createDirectories(tmp.resolve("work-theirs")), "avalanchego", "2.0.0",
                "x86_64", List.of("Provides: different-bytes"));
        Files.move(other, theirs.resolve("avalanchego-v2.0.0-x86_64.rpm"));
        try (S3ProxyFixture s3 = S3ProxyFixture.start("race2");
             S3Store raw = S3Store.open("s3://race2", s3.settings())) {
            CountingStore hooked = new CountingStore(raw);
            AtomicInteger n = new AtomicInteger();
            hooked.beforeConditionalWrite = k -> {
                if (k.endsWith(".rpm") && n.getAndIncrement() == 0) {
                    publisher(raw).publish(theirs, options(1));
                }
            };
            assertThatThrownBy(() -> publisher(hooked).publish(mine, options(2)))
                    .isInstanceOf(PublishException.class).hasMessageContaining("concurrent publish stored different");
            assertThat(raw.get(X86 + "avalanchego-v2.0.0-x86_64.rpm").orElseThrow())
                    .isEqualTo(Files.readAllBytes(theirs.resolve("avalanchego-v2.0.0-x86_64.rpm")));
        }
    }

    @Test
    void onADirectoryPublishersExcludeEachOtherThroughALockAnotherProcessSees() throws Exception {
        Path r0 = release("3.0.0");
        Path root = tmp.resolve("bucket");
        FileStore fs = new FileStore(root);
        Path lockFile = root.resolve(FileStore.LOCK_FILE);
        CountingStore hooked = new CountingStore(fs);
        AtomicInteger probe = new AtomicInteger(-1);
        hooked.beforeConditionalWrite = k -> {
            if (k.equals(X86 + YumRepository.REPOMD)) {
                probe.set(python(lockFile, "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)"));
            }
        };
        publisher(hooked).publish(r0, options(1));
        assertThat(probe.get()).as("another process could take the lock during a publish").isNotZero();
        assertThat(python(lockFile, "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)")).isZero();

        // another process holds the lock: a publish waits, then gives up naming the lock, writing nothing
        Path r1 = release("3.0.1");
        Process holder = Cmd.start(List.of("python3", "-c", "import fcntl,sys\nf=open(sys.argv[1],'a')\n"
                + "fcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.read()", lockFile.toString()),
                Map.of(), null);
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> publisher(fs).publish(r1, options(2).withLockWait(Duration.ofMillis(300))))
                    .isInstanceOf(StoreException.class).hasMessageContaining(lockFile.toString())
                    .hasMessageContaining("another publish");
            assertThat(fs.head(X86 + "avalanchego-v3.0.1-x86_64.rpm")).isEmpty();
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        publisher(fs).publish(r1, options(3));
        assertThat(RepoMetadataCreaterepoTestSupport.packages(fs, X86))
                .containsExactly("avalanchego-v3.0.0-x86_64.rpm", "avalanchego-v3.0.1-x86_64.rpm");
    }

    /** Exit status of a python3 snippet run with {@code f} opened for appending on {@code file}. */
    private static int python(Path file, String statement) {
        return Cmd.run("python3", "-c", "import fcntl,sys\nf=open(sys.argv[1],'a')\n" + statement, file.toString())
                .exitCode();
    }
}
