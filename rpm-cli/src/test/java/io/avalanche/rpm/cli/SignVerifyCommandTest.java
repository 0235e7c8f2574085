package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.sign.Proc;
import io.avalanche.rpm.sign.RpmFixtures;
import io.avalanche.rpm.sign.SecretScan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** sign and verify through Main.run, with rpm as the oracle and a scan for leaked secrets in every path. */
class SignVerifyCommandTest {
    static final String PASS = "s3cret-Passphrase-for-cli-test";
    static GpgHome gpg;
    static String fpr;
    static String secret;
    static String publicArmor;
    static Path secretFile;
    static SecretScan scan;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void keys() throws IOException {
        gpg = new GpgHome();
        fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", PASS, "cli test"));
        secret = gpg.exportSecret(fpr, PASS);
        publicArmor = gpg.gpg("--armor", "--export", fpr).ok().out();
        secretFile = gpg.dir().resolve("secret.asc");
        Files.writeString(secretFile, secret);
        scan = new SecretScan(PASS, secret, publicArmor);
    }

    @AfterAll
    static void cleanup() throws IOException {
        gpg.close();
    }

    @AfterEach
    void restoreHooks() {
        SignCommand.environment = System::getenv;
        SignCommand.stdin = System.in;
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        Run r = new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        scan.assertClean("CLI output of " + String.join(" ", args), r.all());
        return r;
    }

    @Test
    void ephemeralSignThenVerifyAgreesWithRpm(@TempDir Path dir) throws IOException {
        Path a = RpmFixtures.build(dir, "clia", 30_000);
        Path b = RpmFixtures.build(dir, "clib", 30_000);
        Run s = run("sign", "--ephemeral", a.toString(), b.toString());
        assertThat(s.exit()).as(s.all()).isZero();
        assertThat(s.out()).contains("in place").contains("ephemeral");
        Path key = dir.resolve("RPM-GPG-KEY-avalanchego");
        assertThat(key).exists();

        Run v = run("verify", "--key", key.toString(), a.toString(), b.toString());
        assertThat(v.exit()).as(v.all()).isZero();
        assertThat(v.out()).contains("header-signature: OK (RSA/SHA256, key ID");
        Run j = run("verify", "--json", "--key", key.toString(), a.toString());
        assertThat(j.exit()).isZero();
        assertThat(j.out()).contains("\"status\" : \"OK\"").contains("\"hash\" : \"SHA256\"").contains("\"ok\" : true");

        Path db = RpmFixtures.dbWithKey(dir, key);
        assertThat(RpmFixtures.enforce(db, a).exit()).isZero();
        assertThat(RpmFixtures.verbose(db, b).out()).containsPattern(RpmFixtures.RSA_SHA256_OK);

        try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.seek(f.length() - 10);
            int x = f.read();
            f.seek(f.length() - 10);
            f.write(x ^ 0x01);
        }
        Run bad = run("verify", "--key", key.toString(), a.toString(), b.toString());
        assertThat(bad.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(bad.out()).contains("payload-digest: BAD").contains(b + ": FAILED");
        assertThat(RpmFixtures.enforce(db, b).exit()).isNotZero();
        scan.assertTreeClean(dir);
    }

    @Test
    void releaseRefusesEphemeral(@TempDir Path dir) throws IOException {
        Path a = RpmFixtures.build(dir, "rel", 100);
        byte[] before = Files.readAllBytes(a);
        Run r = run("sign", "--ephemeral", "--release", a.toString());
        assertThat(r.exit()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--release refuses --ephemeral");
        assertThat(Files.readAllBytes(a)).isEqualTo(before);
    }

    @Test
    void keyWithPassphraseFromStdinAndEnv(@TempDir Path dir) throws IOException {
        Path a = RpmFixtures.build(dir, "stdin", 2000);
        Path key = dir.resolve("KEY");
        SignCommand.stdin = new ByteArrayInputStream((PASS + "\n").getBytes(StandardCharsets.UTF_8));
        Run s = run("sign", "--key", secretFile.toString(), "--passphrase-stdin", "--release",
                "--export-key", key.toString(), a.toString());
        assertThat(s.exit()).as(s.all()).isZero();
        Path db = RpmFixtures.dbWithKey(dir, key);
        assertThat(RpmFixtures.enforce(db, a).exit()).isZero();

        Path b = RpmFixtures.build(dir, "env", 2000);
        SignCommand.environment = Map.of("RPM_TEST_PASS", PASS)::get;
        Run e = run("sign", "--key", secretFile.toString(), "--passphrase-env", "RPM_TEST_PASS",
                "--export-key", key.toString(), b.toString());
        assertThat(e.exit()).as(e.all()).isZero();
        assertThat(run("verify", "--key", key.toString(), a.toString(), b.toString()).exit()).isZero();
        Proc.Result vk = RpmFixtures.verbose(db, b);
        assertThat(vk.out()).containsPattern(RpmFixtures.RSA_SHA256_OK);
        scan.assertTreeClean(dir);
    }

    @Test
    void wrongOrMissingPassphraseFailsWithoutLeaking(@TempDir Path dir) throws IOException {
        Path a = RpmFixtures.build(dir, "wrong", 100);
        byte[] before = Files.readAllBytes(a);
        SignCommand.stdin = new ByteArrayInputStream((PASS + "-wrong\n").getBytes(StandardCharsets.UTF_8));
        Run w = run("--stacktrace", "sign", "--key", secretFile.toString(), "--passphrase-stdin", a.toString());
        assertThat(w.exit()).isEqualTo(Main.FAILURE);
        assertThat(w.err()).contains("wrong passphrase");
        Run m = run("sign", "--key", secretFile.toString(), a.toString());
        assertThat(m.exit()).isEqualTo(Main.FAILURE);
        assertThat(m.err()).contains("protected by a passphrase");
        SignCommand.environment = Map.<String, String>of()::get;
        Run unset = run("sign", "--key", secretFile.toString(), "--passphrase-env", "NOPE_NOT_SET", a.toString());
        assertThat(unset.exit()).isEqualTo(Main.USAGE);
        Run asValue = run("sign", "--key", secretFile.toString(), "--passphrase", PASS, a.toString());
        assertThat(asValue.exit()).isEqualTo(Main.USAGE);
        assertThat(run("sign", "--key", dir.resolve("missing.asc").toString(), a.toString()).exit()).isEqualTo(Main.USAGE);
        assertThat(run("sign", "--key", secretFile.toString(), "--ephemeral", a.toString()).exit()).isEqualTo(Main.USAGE);
        assertThat(Files.readAllBytes(a)).isEqualTo(before);
        scan.assertTreeClean(dir);
    }

    @Test
    void verifyUnsignedPackageFails(@TempDir Path dir) throws IOException {
        Path a = RpmFixtures.build(dir, "unsigned", 100);
        Files.writeString(dir.resolve("pub.asc"), publicArmor);
        Run v = run("verify", "--key", dir.resolve("pub.asc").toString(), a.toString());
        assertThat(v.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(v.out()).contains("header-signature: MISSING");
        assertThat(run("verify", a.toString()).exit()).isEqualTo(Main.USAGE);
    }
}
