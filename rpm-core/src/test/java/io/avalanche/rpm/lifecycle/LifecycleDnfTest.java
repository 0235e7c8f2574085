package io.avalanche.rpm.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.PublishException;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.store.FileStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** yank, unyank, respin and prune on a file: destination, each judged by real dnf (--installroot). */
class LifecycleDnfTest {
    static SigningKey key;
    static byte[] keyFile;
    static DetachedSigner signer;

    @TempDir
    Path tmp;

    @BeforeAll
    static void key() {
        key = SigningKeys.ephemeral();
        keyFile = ReleaseDirs.keyFile(key);
        signer = RepoSigner.of(key.headerSigner());
    }

    @AfterAll
    static void close() {
        key.close();
    }

    private static void publish(FileStore store, Path release) {
        new Publisher(store, o -> { }, l -> { }).publish(release, Publisher.Options.defaults(signer));
    }

    private static Lifecycle.Options apply() {
        return new Lifecycle.Options(Layout.SEED, signer, Duration.ofSeconds(30), true);
    }

    private static Lifecycle.Options plan() {
        return new Lifecycle.Options(Layout.SEED, null, Duration.ofSeconds(30), false);
    }

    @Test
    void yankTakesAReleaseOutOfTheMetadataUntilUnyankedAndARespinUpgrades() throws Exception {
        ReleaseDirs dirs = new ReleaseDirs(tmp.resolve("work"));
        Path bucket = tmp.resolve("bucket");
        Path root = bucket.resolve("linux/rpms");
        try (FileStore store = new FileStore(bucket)) {
            publish(store, dirs.make("v1.14.1", "1", key, keyFile));
            publish(store, dirs.make("v1.14.2", "1", key, keyFile));
            DnfClient early = DnfClient.create(tmp.resolve("early")).useRepoFilesOf(root);
            early.ok("install", "avalanchego");
            assertThat(early.installed("avalanchego")).isEqualTo("1.14.2-1");

            Lifecycle l = new Lifecycle(store, s -> { });
            YankResult planned = l.yank("v1.14.2", null, "corrupts the database on upgrade", plan());
            assertThat(planned.applied()).isFalse();
            assertThat(planned.changes()).singleElement().satisfies(c -> assertThat(c.packages()).hasSize(2));
            assertThat(root.resolve(Layout.YANKED)).doesNotExist();

            YankResult y = l.yank("v1.14.2", null, "corrupts the database on upgrade", apply());
            assertThat(y.applied()).isTrue();
            JsonNode record = new ObjectMapper().readTree(root.resolve("yanked/v1.14.2.json").toFile());
            assertThat(record.get("reason").asText()).isEqualTo("corrupts the database on upgrade");
            assertThat(record.get("packages")).hasSize(2);
            assertThat(record.get("packages").get(0).get("key").asText()).startsWith("linux/rpms/x86_64/");
            assertThat(root.resolve("x86_64/avalanchego-v1.14.2-x86_64.rpm")).as("objects stay").exists();
            DnfClient fresh = DnfClient.create(tmp.resolve("fresh")).useRepoFilesOf(root);
            assertThat(fresh.offered("avalanchego")).containsExactly("1.14.1-1");
            fresh.ok("install", "avalanchego");
            assertThat(fresh.installed("avalanchego")).isEqualTo("1.14.1-1");
            early.ok("upgrade");
            assertThat(early.installed("avalanchego")).as("an installed yanked release stays").isEqualTo("1.14.2-1");

            // a later publish keeps the yanked release out of the metadata
            publish(store, dirs.make("v1.14.3-rc.1", "1", key, keyFile));
            publish(store, dirs.make("v1.14.1", "2", key, keyFile));
            assertThat(root.resolve("x86_64/avalanchego-v1.14.1_2-x86_64.rpm")).exists();
            assertThat(fresh.offered("avalanchego")).containsExactly("1.14.1-1", "1.14.1-2");
            fresh.ok("upgrade");
            assertThat(fresh.installed("avalanchego")).as("the respin upgrades 1.14.1-1").isEqualTo("1.14.1-2");

            // yank one release of a tag: only the first build of v1.14.1 goes
            l.yank("v1.14.1", "1", "respun as 1.14.1-2", apply());
            assertThat(fresh.offered("avalanchego")).containsExactly("1.14.1-2");

            YankResult u = l.unyank("v1.14.2", null, apply());
            assertThat(u.changes()).singleElement().satisfies(c -> assertThat(c.channel()).isEqualTo("stable"));
            assertThat(root.resolve("yanked/v1.14.2.json")).doesNotExist();
            assertThat(fresh.offered("avalanchego")).containsExactly("1.14.1-2", "1.14.2-1");
            fresh.ok("upgrade");
            assertThat(fresh.installed("avalanchego")).isEqualTo("1.14.2-1");
            assertThatThrownBy(() -> l.unyank("v1.14.2", null, apply())).isInstanceOf(PublishException.class)
                    .hasMessageContaining("v1.14.2 is not yanked");
            assertThatThrownBy(() -> l.yank("v9.9.9", null, "x", apply())).isInstanceOf(PublishException.class)
                    .hasMessageContaining("no package of v9.9.9");
            assertThatThrownBy(() -> l.yank("v1.14.2", null, "two\nlines", apply()))
                    .hasMessageContaining("--reason");
        }
    }

    @Test
    void pruneKeepsTheNewestPerChannelRewritesFirstAndNeverTheNewestStable() throws Exception {
        ReleaseDirs dirs = new ReleaseDirs(tmp.resolve("work"));
        Path bucket = tmp.resolve("bucket");
        Path root = bucket.resolve("linux/rpms");
        try (FileStore store = new FileStore(bucket)) {
            for (String tag : new String[] {"v1.14.1", "v1.14.2", "v1.14.3-rc.1", "v1.14.3-rc.2", "v1.14.3"}) {
                publish(store, dirs.make(tag, "1", key, keyFile));
            }
            DnfClient old = DnfClient.create(tmp.resolve("old")).useRepoFilesOf(root);
            old.ok("install", "avalanchego-1.14.1-1");
            String oldRepomd = Files.readString(root.resolve("x86_64/repodata/repomd.xml"));
            Lifecycle l = new Lifecycle(store, s -> { });

            Lifecycle.PruneResult p = l.prune(1, Set.of(), plan());
            assertThat(p.applied()).isFalse();
            assertThat(p.plan().lines()).contains("== stable x86_64 (" + store.describe("linux/rpms/x86_64/")
                    + "): keep 1, prune 2");
            assertThat(root.resolve("x86_64/avalanchego-v1.14.1-x86_64.rpm")).as("a plan changes nothing").exists();

            Lifecycle.PruneResult r = l.prune(1, Set.of(), apply());
            assertThat(r.deleted()).containsExactlyInAnyOrder(
                    "linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm", "linux/rpms/x86_64/subnet-evm-v1.14.1-x86_64.rpm",
                    "linux/rpms/x86_64/avalanchego-v1.14.2-x86_64.rpm", "linux/rpms/x86_64/subnet-evm-v1.14.2-x86_64.rpm",
                    "linux/rpms/testing/x86_64/avalanchego-v1.14.3-rc.1-x86_64.rpm",
                    "linux/rpms/testing/x86_64/subnet-evm-v1.14.3-rc.1-x86_64.rpm");
            assertThat(root.resolve("x86_64/avalanchego-v1.14.1-x86_64.rpm")).doesNotExist();
            // the generation a reader in flight may hold is still there
            for (String href : io.avalanche.rpm.yum.Repomd.parse(oldRepomd.getBytes(), "old").entries().stream()
                    .map(io.avalanche.rpm.yum.Repomd.Entry::href).toList()) {
                assertThat(root.resolve("x86_64/" + href)).exists();
            }
            DnfClient fresh = DnfClient.create(tmp.resolve("fresh"), "avalanchego-testing").useRepoFilesOf(root);
            assertThat(fresh.offered("avalanchego")).containsExactly("1.14.3-1", "1.14.3~rc.2-1");
            old.ok("upgrade");
            assertThat(old.installed("avalanchego")).isEqualTo("1.14.3-1");

            // keep 0: the newest stable release stays, the testing channel empties
            Lifecycle.PruneResult zero = l.prune(0, Set.of(Channel.STABLE, Channel.TESTING), apply());
            assertThat(zero.plan().repositories()).filteredOn(x -> x.channel().equals("stable")).singleElement()
                    .satisfies(x -> {
                        assertThat(x.kept()).extracting(PrunePlan.Release::evr).containsExactly("1.14.3-1");
                        assertThat(x.kept().get(0).why()).contains("newest stable release is never pruned");
                        assertThat(x.pruned()).isEmpty();
                    });
            assertThat(root.resolve("x86_64/avalanchego-v1.14.3-x86_64.rpm")).exists();
            assertThat(root.resolve("testing/x86_64/avalanchego-v1.14.3-rc.2-x86_64.rpm")).doesNotExist();
            assertThat(fresh.offered("avalanchego")).containsExactly("1.14.3-1");
        }
    }
}
