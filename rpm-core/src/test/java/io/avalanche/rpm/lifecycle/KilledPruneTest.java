package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.validate.Tools;
import io.avalanche.rpm.verify.DetachedSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prune killed before each of its writes and deletes in turn: after every kill, real dnf still reads the repository
 * and installs from it (the old metadata names only packages that still exist: they are deleted after the index
 * that no longer names them). The one exception is the instant between repomd.xml.asc and repomd.xml (two objects
 * cannot change at once): there dnf refuses the signature until the next prune, yank or publish rewrites the index,
 * which the test shows.
 */
class KilledPruneTest {
    @TempDir
    Path tmp;

    @Test
    void everyKillPointLeavesARepositoryDnfReads() throws Exception {
        try (SigningKey key = SigningKeys.ephemeral()) {
            DetachedSigner signer = RepoSigner.of(key.headerSigner());
            byte[] keyFile = ReleaseDirs.keyFile(key);
            ReleaseDirs dirs = new ReleaseDirs(tmp.resolve("work"));
            Path bucket = tmp.resolve("bucket");
            Path pristine = tmp.resolve("pristine");
            try (FileStore store = new FileStore(bucket)) {
                for (String tag : new String[] {"v1.14.1", "v1.14.2", "v1.14.3"}) {
                    new Publisher(store, o -> { }, l -> { }).publish(dirs.make(tag, "1", key, keyFile),
                            Publisher.Options.defaults(signer));
                }
            }
            copyTree(bucket, pristine);
            Lifecycle.Options apply = new Lifecycle.Options(Layout.SEED, signer, Duration.ofSeconds(30), true);
            DnfClient client = DnfClient.create(tmp.resolve("client")).useRepoFilesOf(bucket.resolve("linux/rpms"));
            client.ok("install", "avalanchego");
            int windows = 0;
            int points = 0;
            for (int k = 1; ; k++) {
                restore(pristine, bucket);
                KillingStore killing = new KillingStore(new FileStore(bucket), k);
                boolean killed;
                try {
                    new Lifecycle(killing, s -> { }).prune(1, Set.of(), apply);
                    killed = false;
                } catch (KillingStore.Killed e) {
                    killed = true;
                }
                if (!killed) {
                    assertThat(k).as("a prune writes and deletes several objects").isGreaterThan(5);
                    break;
                }
                points++;
                Tools.Run r = client.dnf("reinstall", "avalanchego");
                boolean indexWindow = signatureAheadOfIndex(bucket);
                if (indexWindow) {
                    windows++;
                    assertThat(r.output()).contains("GPG signature verification error");
                    new Lifecycle(new FileStore(bucket), s -> { }).prune(1, Set.of(), apply);
                    client.ok("reinstall", "avalanchego");
                } else {
                    assertThat(r.exitCode()).as("killed before write " + k + ":\n" + r.output()).isZero();
                }
            }
            assertThat(windows).as("exactly one kill point lies between repomd.xml.asc and repomd.xml").isEqualTo(1);
            assertThat(points).isGreaterThan(5);
            assertThat(client.offered("avalanchego")).containsExactly("1.14.3-1");
        }
    }

    /** True when repomd.xml.asc is not a good signature of repomd.xml (the asc was rewritten, the index not yet). */
    private static boolean signatureAheadOfIndex(Path bucket) throws IOException {
        Path dir = bucket.resolve("linux/rpms/x86_64/repodata");
        return !DetachedSignature.verify("repomd.xml", Files.readAllBytes(dir.resolve("repomd.xml")),
                Files.readAllBytes(dir.resolve("repomd.xml.asc")),
                TrustedKeys.load(bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego")), Instant.now()).ok();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void restore(Path pristine, Path bucket) throws IOException {
        if (Files.exists(bucket)) {
            try (Stream<Path> s = Files.walk(bucket)) {
                List<Path> all = new ArrayList<>(s.toList());
                all.sort(Comparator.reverseOrder());
                for (Path p : all) {
                    Files.delete(p);
                }
            }
        }
        copyTree(pristine, bucket);
    }
}
