package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.PublishCheckException;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * publish ships exactly the manifest (release.json: every listed file present with its SHA-256, nothing else) and
 * only packages whose file name is the one their header gives (name, version, release, arch, the tag's mapping); a
 * stable release and a pre-release are never published together. Each refusal happens before anything is uploaded.
 */
class ManifestAndNamesTest {
    static SigningKey key;
    static byte[] keyFile;

    @TempDir
    Path tmp;
    ReleaseDirs dirs;
    Path bucket;

    @BeforeAll
    static void key() {
        key = SigningKeys.ephemeral();
        keyFile = ReleaseDirs.keyFile(key);
    }

    @AfterAll
    static void close() {
        key.close();
    }

    @BeforeEach
    void setUp() {
        dirs = new ReleaseDirs(tmp.resolve("work"));
        bucket = tmp.resolve("bucket");
    }

    private void refused(Path release, String... messages) throws IOException {
        try (FileStore store = new FileStore(bucket)) {
            assertThatThrownBy(() -> new Publisher(store, o -> { }, l -> { }).publish(release,
                    Publisher.Options.defaults(RepoSigner.of(key.headerSigner()))))
                    .isInstanceOf(PublishCheckException.class).hasMessageContainingAll(messages)
                    .hasMessageContaining("Nothing was uploaded");
        }
        if (Files.exists(bucket)) {
            try (Stream<Path> s = Files.walk(bucket)) {
                assertThat(s.filter(Files::isRegularFile).toList()).as("nothing uploaded").isEmpty();
            }
        }
    }

    /** Rewrites release.json to list exactly the files now in the directory, with their SHA-256. */
    private static void relist(Path dir) throws IOException {
        ReleaseManifest m = ReleaseManifest.read(dir);
        List<ReleaseManifest.Artifact> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> !p.getFileName().toString().equals(ReleaseManifest.FILE_NAME)).sorted().toList()) {
                files.add(new ReleaseManifest.Artifact(f.getFileName().toString(), null, Files.size(f),
                        Digests.hex(Digests.sha256(f))));
            }
        }
        m.withFiles(files).write(dir);
    }

    @Test
    void aGoodReleasePublishes() {
        try (FileStore store = new FileStore(bucket)) {
            Publisher.Result r = new Publisher(store, o -> { }, l -> { }).publish(dirs.make("v1.14.1", "1", key, keyFile),
                    Publisher.Options.defaults(RepoSigner.of(key.headerSigner())));
            assertThat(r.objects()).hasSize(3);
        }
    }

    @Test
    void aListedPackageThatIsMissingIsRefused() throws Exception {
        Path rel = dirs.make("v1.14.1", "1", key, keyFile);
        Files.delete(rel.resolve("subnet-evm-v1.14.1-x86_64.rpm"));
        refused(rel, "release.json is the release's manifest", "it lists subnet-evm-v1.14.1-x86_64.rpm, which is not in");
    }

    @Test
    void aStaleRpmOfAnotherReleaseIsRefused() throws Exception {
        Path rel = dirs.make("v1.14.2", "1", key, keyFile);
        Path other = dirs.make("v1.14.1", "1", key, keyFile);
        Files.copy(other.resolve("avalanchego-v1.14.1-x86_64.rpm"), rel.resolve("avalanchego-v1.14.1-x86_64.rpm"));
        refused(rel, "holds avalanchego-v1.14.1-x86_64.rpm, which it does not list");
    }

    @Test
    void anEntryWithoutItsSha256IsRefused() throws Exception {
        Path rel = dirs.make("v1.14.1", "1", key, keyFile);
        Path json = rel.resolve(ReleaseManifest.FILE_NAME);
        Files.writeString(json, Files.readString(json).replaceFirst("\"sha256\" : \"[0-9a-f]{64}\"", "\"size\" : 1"));
        refused(rel, "without a SHA-256");
    }

    @Test
    void aSubnetEvmPackageRenamedAsAnotherReleaseIsRefused() throws Exception {
        Path rel = dirs.make("v1.14.1", "1", key, keyFile);
        Files.move(rel.resolve("subnet-evm-v1.14.1-x86_64.rpm"), rel.resolve("avalanchego-v9.9.9-x86_64.rpm"));
        relist(rel);
        refused(rel, "its header is subnet-evm 1.14.1-1 x86_64, tag v1.14.1",
                "its file name must be subnet-evm-v1.14.1-x86_64.rpm, not avalanchego-v9.9.9-x86_64.rpm");
    }

    @Test
    void anAarch64PackageNamedX8664IsRefused() throws Exception {
        Path rel = dirs.make("v1.14.1", "1", key, keyFile);
        Path readme = Files.writeString(tmp.resolve("README"), "not a program\n");
        RpmWriter.write(PackageSpec.builder().name("avalanchego").version("1.14.1").release("1").arch(Arch.AARCH64)
                        .summary("arm").buildTime(1_700_000_000L).compression(Compression.parse("gzip"))
                        .file(new FileEntry(readme, "/var/opt/avalanchego/README", 0644)).build(), rel,
                "avalanchego-v1.14.1-x86_64.rpm", n -> { },
                RpmWriter.SignatureFiller.signingWith(key.headerSigner()));
        relist(rel);
        refused(rel, "its header is avalanchego 1.14.1-1 aarch64",
                "must be avalanchego-v1.14.1-aarch64.rpm, not avalanchego-v1.14.1-x86_64.rpm");
    }

    @Test
    void aRespinNamedAsTheFirstBuildIsRefused() throws Exception {
        Path rel = dirs.make("v1.14.1", "2", key, keyFile);
        Files.move(rel.resolve("avalanchego-v1.14.1_2-x86_64.rpm"), rel.resolve("avalanchego-v1.14.1-x86_64.rpm"));
        relist(rel);
        refused(rel, "must be avalanchego-v1.14.1_2-x86_64.rpm");
    }

    @Test
    void aStableReleaseAndAPreReleaseAreNotPublishedTogether() throws Exception {
        Path rel = dirs.make("v1.14.2", "1", key, keyFile);
        Path rc = dirs.make("v1.14.3-rc.2", "1", key, keyFile);
        Files.copy(rc.resolve("avalanchego-v1.14.3-rc.2-x86_64.rpm"), rel.resolve("avalanchego-v1.14.3-rc.2-x86_64.rpm"));
        relist(rel);
        refused(rel, "mixes releases of several channels", "stable: [avalanchego-v1.14.2-x86_64.rpm",
                "testing: [avalanchego-v1.14.3-rc.2-x86_64.rpm]");
    }
}
