package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `publish` through Main.run on the integrity points of issue 21: a key file of several armored blocks is read as
 * `verify` reads it (point 12), a refused publish does not say "done" before its error (15), prefixes that a URL would
 * read differently are refused before any work (15).
 */
class PublishIntegrityTest {
    static Path keys;
    static Path secretOld;
    static Path secretNew;
    static Path publicOld;
    static Path publicNew;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws Exception {
        keys = Files.createTempDirectory("integrity-keys");
        secretOld = keys.resolve("old.asc");
        secretNew = keys.resolve("new.asc");
        publicOld = keys.resolve("old.pub");
        publicNew = keys.resolve("new.pub");
        gpgKey("Old", secretOld, publicOld);
        gpgKey("New", secretNew, publicNew);
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

    /** A release directory: one avalanchego package signed with {@code signer}, and {@code keyFile} as its key. */
    private Path release(String version, Path signer, byte[] keyFile) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("release-" + version));
        Path bin = TestPackages.content(tmp.resolve("src-" + version), "avalanchego", 2000, version.hashCode());
        // no Requires: dnf installs it into an empty root
        PackageSpec spec = PackageSpec.builder().name("avalanchego").version(version).arch(Arch.X86_64)
                .buildTime(TestPackages.BUILD_TIME).compression(Compression.parse("gzip"))
                .file(new FileEntry(bin, "/var/opt/avalanchego/bin/avalanchego", 0755)).build();
        Path rpm = RpmWriter.write(spec, dir, "avalanchego-v" + version + "-x86_64.rpm");
        CliRunner.Run sign = CliRunner.run("sign", "--key", signer.toString(), rpm.toString());
        assertThat(sign.exitCode()).as(sign.all()).isZero();
        Files.write(dir.resolve("RPM-GPG-KEY-avalanchego"), keyFile);
        return dir;
    }

    /** The old key's armored block followed by the new key's: a key file while keys rotate. */
    private static byte[] bothBlocks() throws IOException {
        byte[] a = Files.readAllBytes(publicOld);
        byte[] b = Files.readAllBytes(publicNew);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static CliRunner.Run publish(String... args) {
        List<String> all = new ArrayList<>(List.of("publish"));
        all.addAll(List.of(args));
        return CliRunner.runWith(new PublishCommand(Map.of()), all.toArray(String[]::new));
    }

    @Test
    void aKeyFileOfTwoArmoredBlocksIsReadWholeAsVerifyReadsIt() throws Exception {
        Path dest = tmp.resolve("dest");
        // the repository publishes the old key; the next release is signed with the new one and lists both keys
        Path first = release("1.0.0", secretOld, Files.readAllBytes(publicOld));
        CliRunner.Run r1 = publish("--to", "file:" + dest, "--key", secretOld.toString(), first.toString());
        assertThat(r1.exitCode()).as(r1.all()).isZero();

        Path keyFile = tmp.resolve("both.asc");
        Files.write(keyFile, bothBlocks());
        Path second = release("1.0.1", secretNew, bothBlocks());
        CliRunner.Run verify = CliRunner.run("verify", "--key", keyFile.toString(),
                second.resolve("avalanchego-v1.0.1-x86_64.rpm").toString());
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        // publish reads the same file the same way: the package verifies, the rotation keeps the old key, and
        // repomd.xml signed with the second block's key is accepted (--force: the key file is replaced)
        CliRunner.Run r2 = publish("--to", "file:" + dest, "--key", secretNew.toString(), "--force",
                second.toString());
        assertThat(r2.exitCode()).as(r2.all()).isZero();
        assertThat(r2.all()).doesNotContain("NOKEY");
        assertThat(dest.resolve("linux/rpms/RPM-GPG-KEY-avalanchego")).hasBinaryContent(bothBlocks());

        // and dnf agrees: both keys import, both packages install with gpgcheck=1 and repo_gpgcheck=1
        Path root = Files.createDirectories(tmp.resolve("root"));
        Cmd.Result dnf = Cmd.run(List.of("dnf", "-y", "--installroot", root.toString(), "--releasever=9",
                "--setopt=reposdir=" + dest.resolve("linux/rpms"), "--setopt=cachedir=" + root.resolve("cache"),
                "--nodocs", "--setopt=install_weak_deps=False", "install", "avalanchego-1.0.1"), null, Map.of());
        assertThat(dnf.exitCode()).as(dnf.output()).isZero();
        assertThat(dnf.output()).contains("Key imported successfully");
    }

    @Test
    void aRefusedPublishPrintsItsErrorWithoutSayingDone() throws Exception {
        Path dest = tmp.resolve("dest");
        Path rel = release("2.0.0", secretOld, Files.readAllBytes(publicOld));
        assertThat(publish("--to", "file:" + dest, "--key", secretOld.toString(), rel.toString()).exitCode())
                .isZero();
        // the same version again, signed anew: different bytes, refused
        Path again = Files.createDirectories(tmp.resolve("again"));
        Path rpm = again.resolve("avalanchego-v2.0.0-x86_64.rpm");
        Files.copy(rel.resolve("avalanchego-v2.0.0-x86_64.rpm"), rpm);
        Files.copy(rel.resolve("RPM-GPG-KEY-avalanchego"), again.resolve("RPM-GPG-KEY-avalanchego"));
        Thread.sleep(1100);   // a new signature time: new bytes
        assertThat(CliRunner.run("sign", "--key", secretOld.toString(), rpm.toString()).exitCode()).isZero();
        CliRunner.Run r = publish("--to", "file:" + dest, "--key", secretOld.toString(), again.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.FAILURE);
        assertThat(r.err()).contains("Nothing was uploaded").doesNotContain("done (");
        List<String> lines = r.err().lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("error: ").contains("Nothing was uploaded");
    }

    @Test
    void aFileDestinationWhosePathAUrlWouldReadDifferentlyGetsARepoFileDnfUses() throws Exception {
        // '?', '#', '%2e%2e', a space, '+' and dnf's own $basearch in the directory name: the .repo file encodes them
        Path dest = tmp.resolve("a b#c?d%2e%2e+$basearch");
        Path rel = release("4.0.0", secretOld, Files.readAllBytes(publicOld));
        CliRunner.Run r = publish("--to", "file:" + dest, "--key", secretOld.toString(), rel.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        String repo = Files.readString(dest.resolve("linux/rpms/avalanchego.repo"));
        // as customers do: the .repo file dropped into a yum.repos.d
        Path reposd = Files.createDirectories(tmp.resolve("yum.repos.d"));
        Files.writeString(reposd.resolve("avalanchego.repo"), repo);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Cmd.Result dnf = Cmd.run(List.of("dnf", "-y", "--installroot", root.toString(), "--releasever=9",
                "--setopt=reposdir=" + reposd, "--setopt=cachedir=" + root.resolve("cache"),
                "--nodocs", "--setopt=install_weak_deps=False", "install", "avalanchego"), null, Map.of());
        assertThat(dnf.exitCode()).as(repo + dnf.output()).isZero();
        assertThat(dnf.output()).contains("Key imported successfully");
        assertThat(root.resolve("var/opt/avalanchego/bin/avalanchego")).isRegularFile();
        assertThat(repo).contains("baseurl=file://" + tmp + "/a%20b%23c%3Fd%252e%252e%2B%24basearch/linux/rpms/$basearch/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rel?x=1", "rel#frag", "a/%2e%2e/b", "a/%2E%2E", "p+q", "a b", "$basearch", "rel;x"})
    void s3PrefixesAUrlWouldReadDifferentlyAreUsageErrors(String prefix) throws Exception {
        Path rel = release("3.0.0", secretOld, Files.readAllBytes(publicOld));
        CliRunner.Run r = publish("--to", "s3://bucket/" + prefix, "--endpoint", "http://127.0.0.1:9", rel.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("error: ", "prefix contains").doesNotContain("\tat ");
        CliRunner.Run v = CliRunner.run("validate", "--from", "s3://bucket/" + prefix, "--tag", "v3.0.0", "--arch",
                "x86_64", "--commit", "0123456789012345678901234567890123456789", "--local");
        assertThat(v.exitCode()).as(v.all()).isEqualTo(Main.USAGE);
    }
}
