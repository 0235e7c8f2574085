package io.avalanche.rpm.cli;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.publish.S3ProxyFixture;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * `rpm-release publish` as a hostile but honest user runs it: argument lists, real files, real keys (gpg), S3Proxy
 * on 127.0.0.1 and a listener that never answers. Each case asserts the exit code, the one-line message, and that
 * nothing was lost (release directory untouched) or left behind (destination unchanged, no temp files).
 */
class HostilePublishTest {
    static Path keys;
    static Path secretA;
    static Path secretB;
    static Path publicA;
    static Path publicB;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws Exception {
        keys = Files.createTempDirectory("hostile-keys");
        secretA = keys.resolve("a.asc");
        secretB = keys.resolve("b.asc");
        publicA = keys.resolve("a.pub");
        publicB = keys.resolve("b.pub");
        gpgKey("A", secretA, publicA);
        gpgKey("B", secretB, publicB);
    }

    @AfterAll
    static void dropKeys() throws Exception {
        try (Stream<Path> s = Files.walk(keys)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void gpgKey(String name, Path secret, Path pub) throws IOException {
        Path home = TestKeys.gpg(keys, name, "rsa2048", "1d", secret, pub);
        Cmd.run("gpgconf", "--homedir", home.toString(), "--kill", "all");
    }

    /** A release directory: one avalanchego package of this version, signed with {@code signer} (null: unsigned). */
    private Path release(String version, Path signer, Path publicKey) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("release-" + version + "-" + System.nanoTime()));
        Path bin = TestPackages.content(dir.resolve("src"), "avalanchego", 2000, version.hashCode());
        Path rpm = RpmWriter.write(TestPackages.spec(bin, Compression.parse("gzip")).version(version).build(), dir,
                "avalanchego-v" + version + "-x86_64.rpm");
        try (Stream<Path> s = Files.walk(dir.resolve("src"))) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (signer != null) {
            CliRunner.Run sign = CliRunner.run("sign", "--key", signer.toString(), rpm.toString());
            assertThat(sign.exitCode()).as(sign.all()).isZero();
        }
        if (publicKey != null) {
            Files.copy(publicKey, dir.resolve("RPM-GPG-KEY-avalanchego"), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(dir.resolve("RPM-GPG-KEY-avalanchego"));
        }
        return dir;
    }

    private static CliRunner.Run publish(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("publish"));
        all.addAll(List.of(args));
        return CliRunner.runWith(new PublishCommand(env), all.toArray(String[]::new));
    }

    private static CliRunner.Run publish(String... args) {
        return publish(Map.of(), args);
    }

    /** Every file under a directory (relative path to SHA-256 and mtime); empty when it does not exist. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Digests.hex(Digests.sha256(p)) + " "
                        + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    /** The run failed with exactly one error line and no stack trace. */
    private static void oneLineError(CliRunner.Run r, int code, String... phrases) {
        assertThat(r.exitCode()).as(r.all()).isEqualTo(code);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(r.all()).hasSize(1);
        assertThat(errors.get(0)).contains(phrases);
        assertThat(r.all()).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    private static void noTempFiles(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-"))).isEmpty();
            }
        }
    }

    // item 2
    @Test
    void aRepositoryKeyThatDisagreesWithThePublishedKeyIsRefusedBeforeAnyUpload() throws Exception {
        Path rel = release("1.0.0", secretA, publicA);
        Map<String, String> before = snapshot(rel);
        Path dest = tmp.resolve("dest");
        CliRunner.Run r = publish("--to", "file:" + dest, "--key", secretB.toString(), rel.toString());
        oneLineError(r, Main.CHECK_FAILED, "repomd.xml", "RPM-GPG-KEY-avalanchego", "Nothing was uploaded");
        assertThat(snapshot(dest)).isEmpty();
        assertThat(snapshot(rel)).isEqualTo(before);

        // the destination publishes key A; a release signed and keyed with B would orphan every package there
        assertThat(publish("--to", "file:" + dest, "--key", secretA.toString(), rel.toString()).exitCode()).isZero();
        Map<String, String> published = snapshot(dest);
        Path relB = release("1.0.1", secretB, publicB);
        CliRunner.Run rb = publish("--to", "file:" + dest, "--key", secretB.toString(), "--force", relB.toString());
        oneLineError(rb, Main.CHECK_FAILED, "is not the key", "RPM-GPG-KEY-avalanchego");
        assertThat(snapshot(dest)).isEqualTo(published);
        noTempFiles(dest);
    }

    // item 3
    @Test
    void publishingWithoutAKeyIntoASignedRepositoryIsRefusedUnlessForced() throws Exception {
        Path dest = tmp.resolve("signed");
        assertThat(publish("--to", "file:" + dest, "--key", secretA.toString(),
                release("2.0.0", secretA, publicA).toString()).exitCode()).isZero();
        Map<String, String> published = snapshot(dest);
        Path next = release("2.0.1", secretA, publicA);
        CliRunner.Run r = publish("--to", "file:" + dest, next.toString());
        oneLineError(r, Main.FAILURE, "repomd.xml.asc", "--key", "--force");
        assertThat(snapshot(dest)).isEqualTo(published);
        assertThat(Files.readString(dest.resolve("linux/rpms/avalanchego.repo"))).contains("repo_gpgcheck=1");

        CliRunner.Run forced = publish("--to", "file:" + dest, "--force", next.toString());
        assertThat(forced.exitCode()).as(forced.all()).isZero();
        assertThat(Files.readString(dest.resolve("linux/rpms/avalanchego.repo"))).contains("repo_gpgcheck=0");
        assertThat(dest.resolve("linux/rpms/x86_64/repodata/repomd.xml.asc")).doesNotExist();
    }

    // item 5
    @Test
    void unsignedWronglySignedAndCorruptPackagesAreRefusedBeforeAnyUpload() throws Exception {
        Path unsigned = release("3.0.0", null, publicA);
        Path wrong = release("3.0.1", secretB, publicA);
        Path corrupt = release("3.0.2", secretA, publicA);
        Path rpm = corrupt.resolve("avalanchego-v3.0.2-x86_64.rpm");
        byte[] b = Files.readAllBytes(rpm);
        b[b.length - 10] ^= 0x55;
        Files.write(rpm, b);
        Map<Path, String> expected = Map.of(unsigned, "header-signature: MISSING", wrong, "header-signature: NOKEY",
                corrupt, "payload");
        for (Map.Entry<Path, String> e : expected.entrySet()) {
            Map<String, String> before = snapshot(e.getKey());
            Path dest = tmp.resolve("dest-" + e.getKey().getFileName());
            CliRunner.Run r = publish("--to", "file:" + dest, "--key", secretA.toString(), e.getKey().toString());
            oneLineError(r, Main.CHECK_FAILED, "do not verify", e.getValue(), "Nothing was uploaded");
            assertThat(snapshot(dest)).isEmpty();
            assertThat(snapshot(e.getKey())).isEqualTo(before);
        }
    }

    // items 9 and 10
    @Test
    void destinationsAreCheckedBeforeAnyWorkWhateverTheirSpelling() throws Exception {
        Path rel = release("4.0.0", secretA, publicA);
        Path aFile = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Path missingKey = tmp.resolve("no-such-key.asc");
        for (String to : List.of(" s3://bucket", "s3://bucket ", "s3:/bucket", "s3://", "s3://bucket/./c",
                "s3://bucket/a//c", "s3://bucket/..", "s3://bucket/a/../b", "s3://Bad_Bucket", "file:", "file:" + aFile,
                "FILE:" + aFile, "ftp://bucket", "bucket")) {
            CliRunner.Run r = publish("--to", to, "--key", missingKey.toString(), rel.toString());
            oneLineError(r, Main.USAGE, "--to");
            assertThat(r.err()).as(to).doesNotContain("no-such-key");
        }
        assertThat(Files.readString(aFile)).isEqualTo("x");

        // the scheme is case-insensitive (RFC 3986): S3:// is s3://
        try (S3ProxyFixture s3 = S3ProxyFixture.start("hostile");
             S3Store store = S3Store.open("s3://hostile", s3.settings())) {
            CliRunner.Run ok = publish(s3.env(), "--to", "S3://hostile/pre", "--key", secretA.toString(),
                    rel.toString());
            assertThat(ok.exitCode()).as(ok.all()).isZero();
            assertThat(store.head("pre/linux/rpms/x86_64/avalanchego-v4.0.0-x86_64.rpm")).isPresent();
        }

        // the ephemeral-to-S3 refusal of release does not depend on the spelling either, and comes before any work
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path keep = Files.writeString(out.resolve("keep.rpm"), "user file");
        for (String to : List.of("S3://bucket", "s3://bucket", " s3://bucket", "s3://bucket/./x")) {
            CliRunner.Run r = CliRunner.run("release", "--tag", "v1.0.1", "--ephemeral", "--to", to, "--local",
                    "--source", tmp.resolve("no-source").toString(), "--out", out.toString());
            assertThat(r.exitCode()).as(to + ": " + r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err()).as(to).containsAnyOf("ephemeral", "--to");
        }
        assertThat(Files.readString(keep)).isEqualTo("user file");
        CliRunner.Run v = CliRunner.run("validate", "--from", " s3://bucket", "--tag", "v1.0.1", "--arch", "x86_64",
                "--commit", "0".repeat(40), "--local");
        oneLineError(v, Main.USAGE, "--from");
    }

    // item 11
    @Test
    void anRpmWhoseHeaderArchIsNotAKnownArchIsRefusedBeforeAnyPathIsBuilt() throws Exception {
        Path rel = release("5.0.0", secretA, publicA);
        Path rpm = rel.resolve("avalanchego-v5.0.0-x86_64.rpm");
        byte[] b = Files.readAllBytes(rpm);
        byte[] from = "x86_64\0".getBytes(StandardCharsets.US_ASCII);
        byte[] to = "..\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + from.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, b, i, to.length);
                replaced++;
            }
        }
        assertThat(replaced).isPositive();
        Files.write(rpm, b);
        Path dest = tmp.resolve("arch");
        CliRunner.Run r = publish("--to", "file:" + dest, "--key", secretA.toString(), rel.toString());
        oneLineError(r, Main.CHECK_FAILED, "'..'", "not a known architecture");
        assertThat(snapshot(dest)).isEmpty();
    }

    // item 13
    @Test
    void anEndpointThatNeverAnswersFailsWithinTheTimeoutNamingIt() throws Exception {
        Path rel = release("6.0.0", secretA, publicA);
        try (SilentEndpoint silent = SilentEndpoint.start()) {
            String endpoint = silent.url();
            Map<String, String> env = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "AKIASILENT",
                    "AWS_SECRET_ACCESS_KEY", "silent-secret", "AWS_REGION", "us-east-1"));
            // the bound guards against the old hang (3+ minutes); the command's own bound is 3 s
            CliRunner.Run r = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> publish(env, "--to",
                    "s3://silent", "--endpoint", endpoint, "--attempt-timeout", "1s", "--timeout", "3s",
                    "--key", secretA.toString(), rel.toString()));
            oneLineError(r, Main.FAILURE, endpoint, "did not answer", "--timeout");
            assertThat(r.out()).contains("publishing " + rel + " to s3://silent (S3 endpoint " + endpoint);
            assertThat(silent.connected()).isTrue();
        }
    }

    // item 15
    @Test
    void theNextRunRemovesDeadTempFilesAndOrphanMetadataButKeepsThePreviousGeneration() throws Exception {
        Path dest = tmp.resolve("leftovers");
        Path x86 = dest.resolve("linux/rpms/x86_64");
        assertThat(publish("--to", "file:" + dest, "--key", secretA.toString(),
                release("7.0.0", secretA, publicA).toString()).exitCode()).isZero();
        List<String> gen1 = metadataFiles(x86);
        assertThat(gen1).hasSize(3);
        // what a killed publish and a losing concurrent publish leave behind
        Path deadPart = Files.write(x86.resolve(".tmp-4k2j1h.part"), new byte[4096]);
        Path deadMeta = Files.write(x86.resolve("repodata/.tmp-9x8y7z.part"), new byte[10]);
        Path orphan = Files.write(x86.resolve("repodata/" + "ab".repeat(32) + "-primary.xml.gz"), new byte[20]);
        Files.setLastModifiedTime(orphan, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));

        assertThat(publish("--to", "file:" + dest, "--key", secretA.toString(),
                release("7.0.1", secretA, publicA).toString()).exitCode()).isZero();
        assertThat(deadPart).doesNotExist();
        assertThat(deadMeta).doesNotExist();
        assertThat(orphan).doesNotExist();
        List<String> gen2 = metadataFiles(x86);
        // the new generation plus the one it replaced, for readers that fetched the old repomd.xml
        assertThat(gen2).hasSize(6).containsAll(gen1);

        assertThat(publish("--to", "file:" + dest, "--key", secretA.toString(),
                release("7.0.2", secretA, publicA).toString()).exitCode()).isZero();
        List<String> gen3 = metadataFiles(x86);
        assertThat(gen3).hasSize(6).doesNotContainAnyElementsOf(gen1);
        noTempFiles(dest);
    }

    private static List<String> metadataFiles(Path archDir) throws IOException {
        try (Stream<Path> s = Files.list(archDir.resolve("repodata"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml.gz")).sorted().toList();
        }
    }

    // item 16
    @Test
    void publishedFilesGetTheModeTheUmaskGivesEveryNewFile() throws Exception {
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe")));
        assertThat(expected).as("this test needs a umask that lets others read new files (022)")
                .contains(PosixFilePermission.OTHERS_READ);
        Path dest = tmp.resolve("modes");
        assertThat(publish("--to", "file:" + dest, "--key", secretA.toString(),
                release("8.0.0", secretA, publicA).toString()).exitCode()).isZero();
        for (String f : List.of("linux/rpms/x86_64/avalanchego-v8.0.0-x86_64.rpm", "linux/rpms/RPM-GPG-KEY-avalanchego",
                "linux/rpms/avalanchego.repo", "linux/rpms/x86_64/repodata/repomd.xml",
                "linux/rpms/x86_64/repodata/repomd.xml.asc")) {
            assertThat(Files.getPosixFilePermissions(dest.resolve(f))).as(f).isEqualTo(expected);
        }
        for (String f : metadataFiles(dest.resolve("linux/rpms/x86_64"))) {
            assertThat(Files.getPosixFilePermissions(dest.resolve("linux/rpms/x86_64/repodata/" + f))).as(f)
                    .isEqualTo(expected);
        }
    }

    // item 17
    @Test
    void anIdenticalRepublishChangesNothingRepomdIncluded() throws Exception {
        Path rel = release("9.0.0", secretA, publicA);
        Path dest = tmp.resolve("same");
        CliRunner.Run first = publish(Map.of("SOURCE_DATE_EPOCH", "1700000000"), "--to", "file:" + dest, "--key",
                secretA.toString(), rel.toString());
        assertThat(first.exitCode()).as(first.all()).isZero();
        Map<String, String> published = snapshot(dest);
        CliRunner.Run again = publish(Map.of("SOURCE_DATE_EPOCH", "1800000000"), "--to", "file:" + dest, "--key",
                secretA.toString(), rel.toString());
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out().lines().filter(l -> l.startsWith("unchanged "))).hasSize(2);
        assertThat(snapshot(dest)).isEqualTo(published);
    }
}
