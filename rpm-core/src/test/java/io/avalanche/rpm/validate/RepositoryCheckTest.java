package io.avalanche.rpm.validate;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The published repository's metadata: each kind of damage fails a named check, an intact one passes. */
class RepositoryCheckTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;
    static final ReleaseRef REF = new ReleaseRef(TestReleases.TAG, "x86_64");
    static int n;
    static Path good;

    @BeforeAll
    static void setUp() {
        releases = new TestReleases(tmp.resolve("fixtures"));
        good = releases.bucketDir(Variant.GOOD, "good");
    }

    /** A fresh copy of the intact published bucket, to damage. */
    static Path copyOfGood(String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(good)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(good.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    static List<CheckOutcome> check(Path bucket) {
        ReleaseSource src = ReleaseSource.open("file:" + bucket, S3Settings.fromEnvironment(java.util.Map.of()));
        FetchedRelease rel = src.fetch(REF, tmp.resolve("work-" + n++));
        assertThat(src.publishedStore()).isPresent();
        return new RepositoryCheck(src.publishedStore().orElseThrow(), io.avalanche.rpm.publish.Layout.SEED, Instant.now()).check(REF, rel);
    }

    static CheckOutcome result(List<CheckOutcome> rs, String pkg, String check) {
        return rs.stream().filter(r -> r.packageName().equals(pkg) && r.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + pkg + "/" + check + " in " + rs));
    }

    static Path repodata(Path bucket) {
        return bucket.resolve("linux/rpms/x86_64/repodata");
    }

    @Test
    void intactRepositoryPasses() {
        List<CheckOutcome> rs = check(good);
        assertThat(rs).extracting(r -> r.packageName() + "/" + r.check()).containsExactlyInAnyOrder(
                "repository/repo-file", "repository/repomd-signature", "repository/repo-metadata",
                "avalanchego/repo-listing", "subnet-evm/repo-listing");
        assertThat(rs).as(rs.toString()).allMatch(r -> r.status() == CheckOutcome.Status.PASSED);
    }

    @Test
    void tamperedRepomdFailsItsSignature() throws IOException {
        Path bucket = copyOfGood("tampered-repomd");
        Path repomd = repodata(bucket).resolve("repomd.xml");
        Files.writeString(repomd, Files.readString(repomd).replace("<revision>", "<revision>1"));
        CheckOutcome sig = result(check(bucket), RepositoryCheck.REPOSITORY, RepositoryCheck.REPOMD_SIGNATURE);
        assertThat(sig.failed()).isTrue();
        assertThat(sig.message()).contains("repomd.xml").contains("BAD");
    }

    @Test
    void missingAscFails() throws IOException {
        Path bucket = copyOfGood("no-asc");
        Files.delete(repodata(bucket).resolve("repomd.xml.asc"));
        CheckOutcome sig = result(check(bucket), RepositoryCheck.REPOSITORY, RepositoryCheck.REPOMD_SIGNATURE);
        assertThat(sig.failed()).isTrue();
        assertThat(sig.message()).contains("repomd.xml.asc not found");
    }

    @Test
    void repoGpgcheckOffFails() throws IOException {
        Path bucket = copyOfGood("gpgcheck-off");
        Path repo = bucket.resolve("linux/rpms/avalanchego.repo");
        Files.writeString(repo, Files.readString(repo).replace("repo_gpgcheck=1", "repo_gpgcheck=0"));
        CheckOutcome r = result(check(bucket), RepositoryCheck.REPOSITORY, RepositoryCheck.REPO_FILE);
        assertThat(r.failed()).isTrue();
        assertThat(r.message()).contains("repo_gpgcheck=0");
    }

    @Test
    void primaryLackingAPackageFailsItsListing() throws IOException {
        Path rel = releases.releaseDir(Variant.GOOD, "partial-rel");
        Path onlyNode = Files.createDirectories(tmp.resolve("only-node"));
        String node = "avalanchego-" + TestReleases.TAG + "-x86_64.rpm";
        String evm = "subnet-evm-" + TestReleases.TAG + "-x86_64.rpm";
        Files.copy(rel.resolve(node), onlyNode.resolve(node));
        Files.copy(rel.resolve(ReleaseManifest.KEY_FILE), onlyNode.resolve(ReleaseManifest.KEY_FILE));
        Path bucket = tmp.resolve("partial");
        try (FileStore store = new FileStore(bucket)) {
            new Publisher(store, o -> { }, l -> { }).publish(onlyNode,
                    Publisher.Options.defaults(releases.repoSigner()));
        }
        Files.copy(rel.resolve(evm), bucket.resolve("linux/rpms/x86_64/" + evm));
        List<CheckOutcome> rs = check(bucket);
        assertThat(result(rs, "avalanchego", RepositoryCheck.LISTING).failed()).isFalse();
        CheckOutcome missing = result(rs, "subnet-evm", RepositoryCheck.LISTING);
        assertThat(missing.failed()).isTrue();
        assertThat(missing.message()).contains("does not list " + evm);
    }

    @Test
    void damagedPrimaryFailsItsChecksum() throws IOException {
        Path bucket = copyOfGood("bad-primary");
        Path primary;
        try (Stream<Path> s = Files.list(repodata(bucket))) {
            primary = s.filter(p -> p.getFileName().toString().endsWith("-primary.xml.gz")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(primary);
        b[b.length / 2] ^= 0x01;
        Files.write(primary, b);
        List<CheckOutcome> rs = check(bucket);
        CheckOutcome meta = result(rs, RepositoryCheck.REPOSITORY, RepositoryCheck.METADATA);
        assertThat(meta.failed()).isTrue();
        assertThat(meta.message()).contains("-primary.xml.gz has SHA-256");
        assertThat(result(rs, "avalanchego", RepositoryCheck.LISTING).failed()).isTrue();
    }

    @Test
    void packageChangedAfterPublishingFailsItsListing() {
        List<CheckOutcome> rs = check(releases.bucketDir(Variant.TAMPERED, "tampered"));
        CheckOutcome l = result(rs, "avalanchego", RepositoryCheck.LISTING);
        assertThat(l.failed()).isTrue();
        assertThat(l.message()).contains("the published file has");
        assertThat(result(rs, RepositoryCheck.REPOSITORY, RepositoryCheck.REPOMD_SIGNATURE).failed()).isFalse();
    }
}
