package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.store.FileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario with real dnf as the oracle: v1.14.2, then v1.15.0-fuji-rc.4, then v1.14.3-rc.2 published in
 * order; a customer with only the default repositories installs and upgrades to 1.14.2-1 (on one repository per arch
 * it got 1.15.0~fuji_rc.4-1), the stable metadata lists no pre-release, and enabling the published opt-in
 * repositories offers both pre-releases.
 */
class ChannelsDnfTest {
    @TempDir
    Path tmp;

    @Test
    void stableCustomersStayOnStableAndOptInOffersBothPreReleases() throws Exception {
        try (SigningKey key = SigningKeys.ephemeral()) {
            byte[] keyFile = ReleaseDirs.keyFile(key);
            ReleaseDirs dirs = new ReleaseDirs(tmp.resolve("work"));
            Path bucket = tmp.resolve("bucket");
            try (FileStore store = new FileStore(bucket)) {
                Publisher p = new Publisher(store, o -> { }, l -> { });
                for (String tag : new String[] {"v1.14.2", "v1.15.0-fuji-rc.4", "v1.14.3-rc.2"}) {
                    p.publish(dirs.make(tag, "1", key, keyFile),
                            Publisher.Options.defaults(RepoSigner.of(key.headerSigner())));
                }
            }
            Path root = bucket.resolve("linux/rpms");
            assertThat(root.resolve("x86_64/avalanchego-v1.14.2-x86_64.rpm")).exists();
            assertThat(root.resolve("fuji/x86_64/avalanchego-v1.15.0-fuji-rc.4-x86_64.rpm")).exists();
            assertThat(root.resolve("testing/x86_64/avalanchego-v1.14.3-rc.2-x86_64.rpm")).exists();
            assertThat(Files.readString(root.resolve("avalanchego.repo"))).contains("[avalanchego]", "enabled=1",
                    "gpgcheck=1", "repo_gpgcheck=1", "baseurl=" + root.toUri() + "$basearch/");
            assertThat(Files.readString(root.resolve("avalanchego-testing.repo"))).contains("[avalanchego-testing]",
                    "enabled=0", "gpgcheck=1", "repo_gpgcheck=1", "baseurl=" + root.toUri() + "testing/$basearch/");
            assertThat(Files.readString(root.resolve("avalanchego-fuji.repo"))).contains("[avalanchego-fuji]",
                    "enabled=0", "baseurl=" + root.toUri() + "fuji/$basearch/");

            DnfClient stable = DnfClient.create(tmp.resolve("stable")).useRepoFilesOf(root);
            stable.ok("install", "avalanchego");
            stable.ok("upgrade");
            assertThat(stable.installed("avalanchego")).isEqualTo("1.14.2-1");
            assertThat(stable.offered("avalanchego")).as("the stable metadata lists no pre-release")
                    .containsExactly("1.14.2-1");
            assertThat(stable.offered("subnet-evm")).containsExactly("1.14.2-1");

            DnfClient optIn = DnfClient.create(tmp.resolve("opt-in"), "avalanchego-testing", "avalanchego-fuji")
                    .useRepoFilesOf(root);
            assertThat(optIn.offered("avalanchego"))
                    .containsExactlyInAnyOrder("1.14.2-1", "1.14.3~rc.2-1", "1.15.0~fuji_rc.4-1");
            DnfClient testing = DnfClient.create(tmp.resolve("testing"), "avalanchego-testing").useRepoFilesOf(root);
            testing.ok("install", "avalanchego");
            assertThat(testing.installed("avalanchego")).isEqualTo("1.14.3~rc.2-1");
        }
    }
}
