package io.avalanche.rpm.publish;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.FileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Real dnf installs from the published file tree with gpgcheck=1 and repo_gpgcheck=1. */
class DnfInstallTest {
    @TempDir
    Path tmp;

    @Test
    void dnfInstallsFromPublishedTreeWithSignedMetadata() throws Exception {
        try (TestGpg gpg = TestGpg.generate(tmp)) {
            Path work = Files.createDirectories(tmp.resolve("work"));
            Path release = Files.createDirectories(tmp.resolve("release"));
            Path app = TestRpms.build(work, "avalanchego", "1.14.1", "x86_64", List.of("Requires: glibc >= 2.34"));
            Path glibc = TestRpms.build(work, "glibc-fixture", "2.34", "x86_64", List.of("Provides: glibc = 2.34"));
            for (Path p : List.of(app, glibc)) {
                gpg.rpmsign(p);
                Files.move(p, release.resolve(p.getFileName()));
            }
            Files.write(release.resolve(ReleaseManifest.KEY_FILE), gpg.publicKey());
            Path dest = tmp.resolve("bucket");
            Publisher.Result r = new Publisher(new FileStore(dest), o -> { }, s -> { })
                    .publish(release, Publisher.Options.defaults(gpg.signer()));
            assertThat(r.objects()).hasSize(3);
            Path repo = dest.resolve("linux/rpms/x86_64");
            assertThat(repo.resolve("repodata/repomd.xml.asc")).content().startsWith("-----BEGIN PGP SIGNATURE-----");
            String repoFile = Files.readString(dest.resolve("linux/rpms/avalanchego.repo"));
            assertThat(repoFile).contains("gpgcheck=1", "repo_gpgcheck=1",
                    "gpgkey=" + dest.resolve("linux/rpms/RPM-GPG-KEY-avalanchego").toUri());

            Path root = Files.createDirectories(tmp.resolve("root"));
            Tools.Run ok = dnf(root, repo, dest.resolve("linux/rpms/" + ReleaseManifest.KEY_FILE));
            assertThat(ok.exit()).as(ok.out()).isZero();
            assertThat(ok.out()).contains("Importing GPG key", "Key imported successfully");
            assertThat(root.resolve("usr/bin/avalanchego")).exists();
            assertThat(ok.out()).contains("glibc-fixture");

            // tampered metadata must be refused by dnf's repo_gpgcheck
            Path repomd = repo.resolve("repodata/repomd.xml");
            Files.writeString(repomd, Files.readString(repomd).replace("<revision>", "<revision>1"),
                    StandardCharsets.UTF_8);
            Path root2 = Files.createDirectories(tmp.resolve("root2"));
            Tools.Run bad = dnf(root2, repo, dest.resolve("linux/rpms/" + ReleaseManifest.KEY_FILE));
            assertThat(bad.out()).contains("repomd.xml GPG signature verification error");
            assertThat(bad.exit()).as(bad.out()).isNotZero();
            assertThat(root2.resolve("usr/bin/avalanchego")).doesNotExist();
        }
    }

    private Tools.Run dnf(Path root, Path repo, Path key) {
        List<String> cmd = new ArrayList<>(List.of("dnf", "-y", "--installroot", root.toString(), "--releasever=9",
                "--setopt=reposdir=/dev/null", "--setopt=cachedir=" + root.resolve("var/cache/dnf"),
                "--repofrompath=avax,file://" + repo, "--setopt=avax.gpgcheck=1", "--setopt=avax.repo_gpgcheck=1",
                "--setopt=avax.gpgkey=file://" + key, "--nodocs", "--setopt=install_weak_deps=False",
                "install", "avalanchego"));
        return Tools.exec(cmd, Map.of(), null, null);
    }
}
