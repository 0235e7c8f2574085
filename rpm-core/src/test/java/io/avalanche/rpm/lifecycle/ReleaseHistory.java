package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.StoredObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What customers see after a history of releases: seven real tag shapes published in order (a stable release, a
 * release candidate, a Fuji release candidate, a patch, a yank, its respin, a key rotation with a release candidate
 * and a stable release, then a prune), on file: and on S3 (S3Proxy; customers read it through an anonymous endpoint,
 * as through a CDN). After each step a stable client (the default repositories) and an opted-in client (testing
 * enabled) install or upgrade with real dnf, and the test asserts what each one has. One test class per store, so
 * that the two histories (~35 s each) can run in two test JVMs at once.
 */
abstract class ReleaseHistory {
    static SigningKey keyA;
    static SigningKey keyB;

    @TempDir
    Path tmp;

    static io.avalanche.rpm.sign.GpgHome gpg;

    /** Two release keys without expiry (an ephemeral key is never published to S3). */
    @BeforeAll
    static void keys() throws java.io.IOException {
        gpg = new io.avalanche.rpm.sign.GpgHome();
        keyA = releaseKey("history key A");
        keyB = releaseKey("history key B");
    }

    private static SigningKey releaseKey(String name) throws java.io.IOException {
        String fpr = gpg.generate(io.avalanche.rpm.sign.GpgHome.rsa(2048, "sign,cert", null, name));
        return SigningKeys.load(new java.io.ByteArrayInputStream(gpg.exportSecret(fpr, null)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), null, name);
    }

    @AfterAll
    static void close() throws java.io.IOException {
        keyA.close();
        keyB.close();
        gpg.close();
    }

    final void history(ObjectStore store, String baseUrl) {
        ReleaseDirs dirs = new ReleaseDirs(tmp.resolve("work"));
        byte[] onlyA = ReleaseDirs.keyFile(keyA);
        byte[] rotated = ReleaseDirs.keyFile(keyA, keyB);
        DnfClient stable = DnfClient.create(tmp.resolve("stable"));
        DnfClient optIn = DnfClient.create(tmp.resolve("opt-in"), "avalanchego-testing");
        History h = new History(store, baseUrl, stable, optIn);

        h.publish(dirs.make("v1.14.1", "1", keyA, onlyA), keyA);
        h.expect("v1.14.1", "1.14.1-1", "1.14.1-1");

        h.publish(dirs.make("v1.14.2-rc.1", "1", keyA, onlyA), keyA);
        h.expect("v1.14.2-rc.1", "1.14.1-1", "1.14.2~rc.1-1");

        h.publish(dirs.make("v1.15.0-fuji-rc.4", "1", keyA, onlyA), keyA);
        h.expect("v1.15.0-fuji-rc.4", "1.14.1-1", "1.14.2~rc.1-1");
        assertThat(optIn.offered("avalanchego")).doesNotContain("1.15.0~fuji_rc.4-1");
        assertThat(optIn.offered("avalanchego", "avalanchego-fuji")).contains("1.15.0~fuji_rc.4-1");

        h.publish(dirs.make("v1.14.2", "1", keyA, onlyA), keyA);
        h.expect("v1.14.2 (a patch)", "1.14.2-1", "1.14.2-1");

        Lifecycle life = new Lifecycle(store, s -> { });
        life.yank("v1.14.2", null, "breaks state sync", options(keyA));
        h.expect("yank v1.14.2", "1.14.2-1", "1.14.2-1");   // installed releases stay installed
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.1-1");
        assertThat(optIn.offered("avalanchego")).containsExactly("1.14.1-1", "1.14.2~rc.1-1");

        h.publish(dirs.make("v1.14.2", "2", keyA, onlyA), keyA);
        h.expect("v1.14.2 respun as 1.14.2-2", "1.14.2-2", "1.14.2-2");

        // key rotation: the key file holds the old and the new key; new packages and metadata are signed by the new
        h.publish(dirs.make("v1.14.3-rc.2", "1", keyB, rotated), keyB);
        h.expect("v1.14.3-rc.2 signed by the new key", "1.14.2-2", "1.14.3~rc.2-1");

        h.publish(dirs.make("v1.14.3", "1", keyB, rotated), keyB);
        h.expect("v1.14.3 signed by the new key", "1.14.3-1", "1.14.3-1");

        Lifecycle.PruneResult pruned = life.prune(1, Set.of(), options(keyB));
        assertThat(pruned.deleted()).hasSize(8).contains("linux/rpms/x86_64/avalanchego-v1.14.2-x86_64.rpm",
                "linux/rpms/x86_64/avalanchego-v1.14.2_2-x86_64.rpm",
                "linux/rpms/testing/x86_64/subnet-evm-v1.14.2-rc.1-x86_64.rpm");
        pruned.deleted().forEach(k -> assertThat(store.head(k)).as(k).isEmpty());
        assertThat(store.head("linux/rpms/fuji/x86_64/avalanchego-v1.15.0-fuji-rc.4-x86_64.rpm")).isPresent();
        h.expect("prune --keep 1", "1.14.3-1", "1.14.3-1");
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.3-1");
        assertThat(optIn.offered("avalanchego")).containsExactly("1.14.3-1", "1.14.3~rc.2-1");
        DnfClient newcomer = DnfClient.create(tmp.resolve("newcomer")).useRepoFiles(h.repoFiles());
        newcomer.ok("install", "avalanchego", "subnet-evm");
        assertThat(newcomer.installed("subnet-evm")).isEqualTo("1.14.3-1");
    }

    private static Lifecycle.Options options(SigningKey key) {
        return new Lifecycle.Options(Layout.SEED, RepoSigner.of(key.headerSigner()), Duration.ofSeconds(30), true);
    }

    /** The destination, its customers, and the steps so far. */
    private static final class History {
        private final ObjectStore store;
        private final String baseUrl;
        private final DnfClient stable;
        private final DnfClient optIn;
        private boolean installed;

        History(ObjectStore store, String baseUrl, DnfClient stable, DnfClient optIn) {
            this.store = store;
            this.baseUrl = baseUrl;
            this.stable = stable;
            this.optIn = optIn;
        }

        void publish(Path release, SigningKey key) {
            DetachedSigner signer = RepoSigner.of(key.headerSigner());
            new Publisher(store, o -> { }, l -> { }).publish(release,
                    Publisher.Options.defaults(signer).withBaseUrl(baseUrl));
        }

        /** Both clients take the published .repo files, install (first step) or upgrade, and have what is expected. */
        void expect(String step, String stableHas, String optInHas) {
            Map<String, byte[]> repos = repoFiles();
            for (DnfClient c : new DnfClient[] {stable, optIn}) {
                c.useRepoFiles(repos);
                if (installed) {
                    c.ok("upgrade");
                } else {
                    c.ok("install", "avalanchego", "subnet-evm");
                }
            }
            installed = true;
            assertThat(stable.installed("avalanchego")).as("stable client after " + step).isEqualTo(stableHas);
            assertThat(stable.installed("subnet-evm")).as("stable client after " + step).isEqualTo(stableHas);
            assertThat(optIn.installed("avalanchego")).as("opted-in client after " + step).isEqualTo(optInHas);
        }

        /** The published .repo files, by file name, as a customer downloads them. */
        Map<String, byte[]> repoFiles() {
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (StoredObject o : store.list(Layout.SEED.root())) {
                String rel = o.key().substring(Layout.SEED.root().length());
                if (!rel.contains("/") && rel.endsWith(".repo")) {
                    out.put(rel, store.get(o.key()).orElseThrow());
                }
            }
            return out;
        }
    }
}
