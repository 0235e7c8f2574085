package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 items 3 and 6 through the command line: sign --export-key never overwrites what is not its own public key
 * (the secret key, a package being signed, a key file holding other keys), and RSA keys under 2048 bits are refused
 * for signing and fail verification, as RHEL 9's default crypto policy does.
 */
class SignKeyFileTest {
    static Path keys;
    static Path secretA;
    static Path publicA;
    static Path secretB;
    static Path publicB;
    static Path secret1024;
    static Path public1024;
    static Path gnupg1024;
    static String fpr1024;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws IOException {
        keys = Files.createTempDirectory("sign-key-file");
        secretA = keys.resolve("a.asc");
        publicA = keys.resolve("a.pub");
        secretB = keys.resolve("b.asc");
        publicB = keys.resolve("b.pub");
        secret1024 = keys.resolve("rsa1024.asc");
        public1024 = keys.resolve("rsa1024.pub");
        gpgKey("A", "rsa2048", secretA, publicA);
        gpgKey("B", "rsa2048", secretB, publicB);
        gnupg1024 = gpgKey("S", "rsa1024", secret1024, public1024);
        fpr1024 = Cmd.run("gpg", "--homedir", gnupg1024.toString(), "--with-colons", "--list-secret-keys").ok()
                .output().lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
    }

    @AfterAll
    static void drop() throws IOException {
        Cmd.run("gpgconf", "--homedir", gnupg1024.toString(), "--kill", "all");
        try (Stream<Path> s = Files.walk(keys)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Path gpgKey(String name, String algo, Path secret, Path pub) throws IOException {
        return TestKeys.gpg(keys, name, algo, "1y", secret, pub);
    }

    private Path rpm(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rel"));
        Path p = TestPackages.avalanchego(Files.createDirectories(tmp.resolve("build-" + name)),
                Compression.parse("gzip"), 2000);
        return Files.move(p, dir.resolve(name + ".rpm"));
    }

    private static Map<String, byte[]> snapshot(Path... dirs) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    m.put(p.toString(), Files.readAllBytes(p));
                }
            }
        }
        return m;
    }

    private static void refused(CliRunner.Run r, String... parts) {
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
        assertThat(r.err().trim()).doesNotContain("\n").contains(parts);
    }

    @Test
    void exportKeyNeverOverwritesTheSecretKeyNorAPackageBeingSigned() throws IOException {
        Path a = rpm("a");
        Path b = rpm("b");
        Path secret = Files.copy(secretA, tmp.resolve("release.asc"));
        Map<String, byte[]> before = snapshot(tmp);
        refused(CliRunner.run("sign", "--key", secret.toString(), "--export-key", secret.toString(), a.toString()),
                secret.toString(), "refusing to write the public key over it", "holds a secret key");
        refused(CliRunner.run("sign", "--key", secret.toString(), "--export-key", b.toString(), a.toString(),
                b.toString()), b.toString(), "it is an RPM package");
        assertThat(snapshot(tmp)).as("the secret key and both packages are unchanged")
                .containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void aKeyFileHoldingARotationPairIsKeptAndOneHoldingAnotherKeyIsRefused() throws IOException {
        Path a = rpm("a");
        Path keyFile = a.resolveSibling("RPM-GPG-KEY-avalanchego");
        // the outgoing key B and the incoming key A, as a repository lists them while keys rotate
        Files.writeString(keyFile, Files.readString(publicB) + Files.readString(publicA));
        byte[] pair = Files.readAllBytes(keyFile);
        CliRunner.Run kept = CliRunner.run("sign", "--key", secretA.toString(), a.toString());
        assertThat(kept.exitCode()).as(kept.all()).isZero();
        assertThat(kept.out()).contains("already in " + keyFile);
        assertThat(Files.readAllBytes(keyFile)).as("the rotation pair is kept").isEqualTo(pair);
        assertThat(CliRunner.run("verify", "--key", keyFile.toString(), a.toString()).exitCode()).isZero();

        Files.copy(publicB, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, byte[]> before = snapshot(tmp);
        refused(CliRunner.run("sign", "--key", secretA.toString(), a.toString()), keyFile.toString(),
                "it holds key(s) ", "not the signing key");
        assertThat(snapshot(tmp)).containsExactlyInAnyOrderEntriesOf(before);

        Path fresh = tmp.resolve("fresh.pub");
        CliRunner.Run same = CliRunner.run("sign", "--key", secretA.toString(), "--export-key", fresh.toString(),
                a.toString());
        assertThat(same.exitCode()).as(same.all()).isZero();
        byte[] exported = Files.readAllBytes(fresh);
        CliRunner.Run again = CliRunner.run("sign", "--key", secretA.toString(), "--export-key", fresh.toString(),
                a.toString());
        assertThat(again.exitCode()).as("the same key again is fine: " + again.all()).isZero();
        assertThat(Files.readAllBytes(fresh)).isEqualTo(exported);
    }

    @Test
    void rsaKeysUnder2048BitsAreRefusedForSigningAndFailVerification() throws IOException {
        Path a = rpm("a");
        byte[] before = Files.readAllBytes(a);
        CliRunner.Run r = CliRunner.run("sign", "--key", secret1024.toString(), "--release", a.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.FAILURE);
        assertThat(r.err().trim()).doesNotContain("\n").contains("is RSA-1024",
                "RHEL 9's default crypto policy refuses RSA keys under 2048 bits");
        assertThat(Files.readAllBytes(a)).isEqualTo(before);
        assertThat(a.resolveSibling("RPM-GPG-KEY-avalanchego")).doesNotExist();

        // signed by rpmsign with that key, which Debian's rpm 4.18 accepts: verify refuses it, naming the size
        Cmd.run("rpmsign", "--addsign", "--define", "_gpg_name " + fpr1024, "--define", "_gpg_path " + gnupg1024,
                "--define", "__gpg /usr/bin/gpg", "--define", "_gpg_digest_algo sha256", a.toString()).ok();
        CliRunner.Run v = CliRunner.run("verify", "--key", public1024.toString(), a.toString());
        assertThat(v.exitCode()).as(v.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(v.out()).contains("header-signature: BAD", "RSA-1024", "crypto policy");
    }
}
