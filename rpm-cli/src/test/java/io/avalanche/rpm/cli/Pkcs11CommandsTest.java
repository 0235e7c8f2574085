package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.SoftHsm;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * keygen, sign, publish and validate with the release key inside a SoftHSM2 token, judged by rpm, rpmkeys, gpg,
 * pkcs11-tool and dnf (gpgcheck=1, repo_gpgcheck=1); and the refusals: wrong PIN, missing key, a certificate of
 * another key, conflicting options, a module that is not PKCS#11.
 */
class Pkcs11CommandsTest {
    static final String PIN = SoftHsm.PIN;
    static final String KEY = "rpm-release-2026";
    static final Map<String, String> ENV = Map.of("RPM_TOKEN_PIN", PIN, "WRONG_PIN", "wrong-pin-13579");
    static final String MODULE = SoftHsm.MODULE.toString();
    static String token;

    @TempDir
    static Path shared;
    static Path cert;
    static String keygenOutput;

    @TempDir
    Path tmp;

    private final Function<String, String> savedEnv = SignCommand.environment;

    @BeforeAll
    static void keygen() {
        token = SoftHsm.newToken();
        cert = shared.resolve("RPM-GPG-KEY-token");
        CliRunner.Run r = CliRunner.runWith(new KeygenCommand(Map.of(), stdin(PIN)), "keygen",
                "--pkcs11-module", MODULE, "--pkcs11-token", token, "--pkcs11-key", KEY, "--pin-stdin",
                "--user-id", "Release Team <release@example.com>", "--expires", "2y", "--export-key", cert.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        keygenOutput = r.all();
    }

    @AfterAll
    static void dropToken() {
        SoftHsm.deleteToken(token);
    }

    @AfterEach
    void restore() {
        SignCommand.environment = savedEnv;
    }

    @Test
    void keygenMakesANonExtractableRsa4096KeyAndAnImportableCertificate() throws Exception {
        assertThat(keygenOutput).contains("generated RSA-4096 key '" + KEY + "' on PKCS#11 token '" + token + "'")
                .contains("written to " + cert).doesNotContain(PIN);
        String objects = SoftHsm.listObjects(token, PIN);
        String priv = objects.substring(objects.indexOf("Private Key Object"));
        assertThat(priv).startsWith("Private Key Object; RSA").contains("label:      " + KEY);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*Access:\\s*(.*)$").matcher(priv);
        assertThat(m.find()).as(priv).isTrue();
        assertThat(List.of(m.group(1).trim().split(",\\s*")))
                .contains("sensitive", "always sensitive", "never extractable").doesNotContain("extractable");

        Path home = Files.createDirectories(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Cmd.run("gpg", "--homedir", home.toString(), "--batch", "--import", cert.toString()).ok();
        String colons = Cmd.run("gpg", "--homedir", home.toString(), "--batch", "--with-colons",
                "--check-signatures").ok().output();
        // pub:u:4096:1:KEYID:created:expires:...  and a good (!) SHA-256 (hash 8) self-signature
        assertThat(colons).containsPattern("(?m)^pub:[^:]*:4096:1:[0-9A-F]{16}:\\d+:\\d+:")
                .containsPattern("(?m)^sig:!:.*:13x:.*:8:")
                .contains("Release Team <release@example.com>");
        Path db = Files.createDirectories(tmp.resolve("rpmdb"));
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", cert.toString()).ok();
        assertThat(Cmd.run("rpm", "--dbpath", db.toString(), "-q", "gpg-pubkey").ok().output()).startsWith("gpg-pubkey-");

        CliRunner.Run again = CliRunner.runWith(new KeygenCommand(ENV, stdin("")), "keygen", "--pkcs11-module",
                MODULE, "--pkcs11-token", token, "--pkcs11-key", KEY, "--pin-env", "RPM_TOKEN_PIN", "--user-id",
                "X <x@example.com>", "--export-key", tmp.resolve("second.asc").toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already holds an object labelled '" + KEY + "'");
        assertThat(tmp.resolve("second.asc")).doesNotExist();
    }

    @Test
    void releaseStagesSignedByTheTokenPassValidationAndDnf() throws Exception {
        String arch = Arch.host().rpm();
        Path source = tmp.resolve("src");
        TestPackages.sampleRepo(source);
        String commit = Cmd.run("git", "-C", source.toString(), "rev-parse", "HEAD").ok().output().trim();
        Path out = tmp.resolve("release");
        CliRunner.Run build = CliRunner.run("build", "--preset", "avalanchego", "--source", source.toString(),
                "--tag", "v1.14.1", "--out", out.toString(), "--compression", "zstd:3");
        assertThat(build.exitCode()).as(build.all()).isZero();
        Path rpm = out.resolve("avalanchego-v1.14.1-" + arch + ".rpm");
        Path plugin = out.resolve("subnet-evm-v1.14.1-" + arch + ".rpm");

        SignCommand.environment = ENV::get;
        CliRunner.Run sign = CliRunner.run(tokenArgs("sign", "--release", "--cert", cert.toString(), rpm.toString(),
                plugin.toString()));
        assertThat(sign.exitCode()).as(sign.all()).isZero();
        assertThat(sign.out()).contains("(PKCS#11 token '" + token + "' key '" + KEY + "')");
        assertThat(sign.all()).doesNotContain(PIN);
        assertThat(out.resolve("RPM-GPG-KEY-avalanchego")).hasSameBinaryContentAs(cert);

        Path db = Files.createDirectories(tmp.resolve("rpmdb"));
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", cert.toString()).ok();
        for (Path p : List.of(rpm, plugin)) {
            String k = Cmd.run("rpm", "--dbpath", db.toString(), "-vK", p.toString()).ok().output();
            assertThat(k).containsPattern("(?im)^\\s*Header .*V4 RSA/SHA256 .*: OK\\s*$");
            Cmd.run("rpmkeys", "--dbpath", db.toString(), "--checksig", "--define", "_pkgverify_level signature",
                    p.toString()).ok();
        }

        Path bucket = tmp.resolve("bucket");
        CliRunner.Run publish = CliRunner.runWith(new PublishCommand(ENV), tokenArgs("publish", "--to",
                "file:" + bucket, "--cert", cert.toString(), out.toString()));
        assertThat(publish.exitCode()).as(publish.all()).isZero();
        assertThat(publish.all()).doesNotContain("not signed").doesNotContain(PIN);
        Path repo = bucket.resolve("linux/rpms/" + arch);
        assertThat(repo.resolve("repodata/repomd.xml.asc")).content().startsWith("-----BEGIN PGP SIGNATURE-----");

        CliRunner.Run validate = CliRunner.run("validate", "--from", "file:" + bucket, "--key",
                out.resolve("RPM-GPG-KEY-avalanchego").toString(), "--tag", "v1.14.1", "--arch",
                arch, "--commit", commit, "--local", "--junit", tmp.resolve("j.xml").toString());
        assertThat(validate.exitCode()).as(validate.all()).isZero();

        dnfInstallsFrom(bucket, arch, tmp);
    }

    /** dnf from the published tree with gpgcheck=1 and repo_gpgcheck=1, plus a stand-in base repo providing glibc. */
    static void dnfInstallsFrom(Path bucket, String arch, Path tmp) throws Exception {
        Path repo = bucket.resolve("linux/rpms/" + arch);
        Path base = Files.createDirectories(tmp.resolve("base"));
        TestPackages.glibcProvider(base, "2.34");
        Cmd.run("createrepo_c", "--no-database", base.toString()).ok();
        Path root = Files.createDirectories(tmp.resolve("root"));
        Cmd.Result dnf = Cmd.run(new ArrayList<>(List.of("dnf", "-y", "--installroot", root.toString(),
                "--releasever=9", "--setopt=reposdir=/dev/null", "--setopt=cachedir=" + root.resolve("var/cache/dnf"),
                "--repofrompath=base,file://" + base, "--setopt=base.gpgcheck=0",
                "--repofrompath=avax,file://" + repo, "--setopt=avax.gpgcheck=1", "--setopt=avax.repo_gpgcheck=1",
                "--setopt=avax.gpgkey=file://" + bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego"),
                "--nodocs", "--setopt=install_weak_deps=False", "install", "avalanchego")), null, Map.of());
        assertThat(dnf.exitCode()).as(dnf.output()).isZero();
        assertThat(dnf.output()).contains("Importing GPG key", "Key imported successfully");
        assertThat(root.resolve("var/opt/avalanchego/bin/avalanchego")).exists();
    }

    @Test
    void wrongPinMissingKeyAndForeignCertificateWriteNothing() throws Exception {
        Path rpm = TestPackages.avalanchego(tmp, Compression.parse("gzip"), 8192);
        byte[] before = Files.readAllBytes(rpm);
        SignCommand.environment = ENV::get;

        CliRunner.Run wrongPin = CliRunner.run("sign", "--pkcs11-module", MODULE, "--pkcs11-token", token,
                "--pkcs11-key", KEY, "--pin-env", "WRONG_PIN", "--cert", cert.toString(), rpm.toString());
        assertThat(wrongPin.exitCode()).isEqualTo(1);
        assertThat(wrongPin.err()).isEqualTo("error: PKCS#11 token '" + token + "': wrong PIN (CKR_PIN_INCORRECT);"
                + " check the variable named by --pin-env or the line given to --pin-stdin\n");
        assertThat(wrongPin.all()).doesNotContain(ENV.get("WRONG_PIN"));

        CliRunner.Run noKey = CliRunner.run("sign", "--pkcs11-module", MODULE, "--pkcs11-token", token,
                "--pkcs11-key", "no-such-key", "--pin-env", "RPM_TOKEN_PIN", "--cert", cert.toString(), rpm.toString());
        assertThat(noKey.exitCode()).isEqualTo(1);
        assertThat(noKey.err()).startsWith("error: PKCS#11 token '" + token + "' has no private key labelled"
                + " 'no-such-key' (private keys: '" + KEY + "')").hasLineCount(1);

        Path other = tmp.resolve("other.asc");
        CliRunner.Run eph = CliRunner.run("sign", "--ephemeral", "--export-key", other.toString(),
                TestPackages.avalanchego(Files.createDirectories(tmp.resolve("o")), Compression.parse("gzip"), 64)
                        .toString());
        assertThat(eph.exitCode()).as(eph.all()).isZero();
        CliRunner.Run mismatch = CliRunner.run(tokenArgs("sign", "--cert", other.toString(), rpm.toString()));
        assertThat(mismatch.exitCode()).as(mismatch.all()).isEqualTo(2);
        assertThat(mismatch.err()).contains(other + ": the certificate").contains("does not belong to PKCS#11 token '"
                + token + "' key '" + KEY + "'").hasLineCount(1);

        CliRunner.Run notAModule = CliRunner.run("sign", "--pkcs11-module", "/usr/lib/x86_64-linux-gnu/libz.so.1",
                "--pkcs11-token", token, "--pkcs11-key", KEY, "--pin-env", "RPM_TOKEN_PIN", "--cert", cert.toString(),
                rpm.toString());
        assertThat(notAModule.exitCode()).isEqualTo(1);
        assertThat(notAModule.err()).contains("not a loadable PKCS#11 module").hasLineCount(1);

        String gone = SoftHsm.newToken();
        SoftHsm.deleteToken(gone);
        CliRunner.Run removed = CliRunner.run("sign", "--pkcs11-module", MODULE, "--pkcs11-token", gone,
                "--pkcs11-key", KEY, "--pin-env", "RPM_TOKEN_PIN", "--cert", cert.toString(), rpm.toString());
        assertThat(removed.exitCode()).isEqualTo(1);
        assertThat(removed.err()).contains("PKCS#11 token '" + gone + "' not found in " + MODULE).hasLineCount(1);

        assertThat(Files.readAllBytes(rpm)).as("the package is unchanged byte for byte").isEqualTo(before);
        assertThat(tmp.resolve("RPM-GPG-KEY-avalanchego")).doesNotExist();
    }

    @Test
    void tokenOptionsAreCheckedBeforeAnyWork() throws Exception {
        Path rpm = TestPackages.avalanchego(tmp, Compression.parse("gzip"), 64);
        SignCommand.environment = ENV::get;
        CliRunner.Run both = CliRunner.run(tokenArgs("sign", "--key", cert.toString(), "--cert", cert.toString(),
                rpm.toString()));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give either --key or a token key");
        CliRunner.Run noCert = CliRunner.run(tokenArgs("sign", rpm.toString()));
        assertThat(noCert.exitCode()).isEqualTo(2);
        assertThat(noCert.err()).contains("a token key needs --cert FILE");
        CliRunner.Run partial = CliRunner.run("sign", "--pkcs11-module", MODULE, "--pin-env", "RPM_TOKEN_PIN",
                "--cert", cert.toString(), rpm.toString());
        assertThat(partial.exitCode()).isEqualTo(2);
        assertThat(partial.err()).contains("missing: --pkcs11-token, --pkcs11-key");
        CliRunner.Run none = CliRunner.run("sign", rpm.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        CliRunner.Run unset = CliRunner.run("sign", "--pkcs11-module", MODULE, "--pkcs11-token", token,
                "--pkcs11-key", KEY, "--pin-env", "NOT_SET_ANYWHERE", "--cert", cert.toString(), rpm.toString());
        assertThat(unset.exitCode()).isEqualTo(2);
        assertThat(unset.err()).contains("--pin-env NOT_SET_ANYWHERE: the environment variable is not set");
        CliRunner.Run release = CliRunner.run(tokenArgs("release", "--tag", "v1.14.1", "--source", tmp.toString(),
                "--ephemeral", "--cert", cert.toString()));
        assertThat(release.exitCode()).isEqualTo(2);
        assertThat(release.err()).contains("give either --ephemeral or a token key");
        CliRunner.Run badExpiry = CliRunner.runWith(new KeygenCommand(ENV, stdin("")), tokenArgs("keygen",
                "--user-id", "X <x@example.com>", "--expires", "2 years", "--export-key", tmp.resolve("x.asc").toString()));
        assertThat(badExpiry.exitCode()).isEqualTo(2);
        assertThat(badExpiry.err()).contains("--expires 2 years: give N followed by d, w, m or y (e.g. 2y), or never");
        assertThat(tmp.resolve("x.asc")).doesNotExist();
        assertThat(KeygenCommand.validity("18m")).isEqualTo(java.time.Duration.ofDays(540));
        assertThat(KeygenCommand.validity("2y")).isEqualTo(java.time.Duration.ofDays(730));
        assertThat(KeygenCommand.validity("never")).isNull();
        // at most what an OpenPGP key expiration time holds (2^32 - 1 s): no overflow, no wrapped expiry
        assertThat(KeygenCommand.validity("136y")).isEqualTo(java.time.Duration.ofDays(136 * 365));
        assertThat(KeygenCommand.validity("49710d")).isEqualTo(java.time.Duration.ofDays(49710));
        assertThat(KeygenCommand.validity("0002y")).isEqualTo(java.time.Duration.ofDays(730));
        for (String tooLong : List.of("137y", "49711d", "9999999999999999y", "99999999999999999999y")) {
            assertThatThrownBy(() -> KeygenCommand.validity(tooLong)).as(tooLong).isInstanceOf(SpecException.class)
                    .hasMessage("--expires " + tooLong + ": more than an OpenPGP key's expiration time holds (49710 "
                            + "days, ~136 years, after its creation); give less, or never");
        }
        assertThatThrownBy(() -> KeygenCommand.validity("000d")).isInstanceOf(SpecException.class)
                .hasMessageContaining("give N followed by d, w, m or y");
        CliRunner.Run tooLong = CliRunner.runWith(new KeygenCommand(ENV, stdin("")), tokenArgs("keygen",
                "--user-id", "X <x@example.com>", "--expires", "200y", "--export-key", tmp.resolve("x.asc").toString()));
        assertThat(tooLong.exitCode()).as(tooLong.all()).isEqualTo(2);
        assertThat(tooLong.err()).contains("--expires 200y: more than an OpenPGP key's expiration time holds");
        assertThat(tmp.resolve("x.asc")).doesNotExist();
        CliRunner.Run pkg = CliRunner.runWith(new PackageCommand(ENV), tokenArgs("package", "--name", "x",
                "--version", "1", "--arch", "noarch", "--file", rpm + ":/opt/x", "--out", tmp.resolve("pkg").toString(),
                "--key", cert.toString(), "--cert", cert.toString()));
        assertThat(pkg.exitCode()).isEqualTo(2);
        assertThat(tmp.resolve("pkg")).doesNotExist();
    }

    @Test
    void packageSignsWithTheTokenInTheSameRun() throws Exception {
        Path bin = TestPackages.content(tmp.resolve("src"), "tool", 4096, 1);
        Path outDir = tmp.resolve("pkg");
        CliRunner.Run pkg = CliRunner.runWith(new PackageCommand(ENV), tokenArgs("package", "--name", "tool",
                "--version", "1.0", "--arch", "noarch", "--file", bin + ":/opt/tool/tool:0755", "--compression",
                "gzip", "--out", outDir.toString(), "--cert", cert.toString()));
        assertThat(pkg.exitCode()).as(pkg.all()).isZero();
        Path rpm = outDir.resolve("tool-1.0-1.noarch.rpm");
        Path db = Files.createDirectories(tmp.resolve("rpmdb"));
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", cert.toString()).ok();
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--checksig", "--define", "_pkgverify_level signature",
                rpm.toString()).ok();

        CliRunner.Run wrong = CliRunner.runWith(new PackageCommand(ENV), "package", "--name", "tool2", "--version",
                "1.0", "--arch", "noarch", "--file", bin + ":/opt/tool/tool:0755", "--out", outDir.toString(),
                "--pkcs11-module", MODULE, "--pkcs11-token", token, "--pkcs11-key", KEY, "--pin-env", "WRONG_PIN",
                "--cert", cert.toString());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(outDir.resolve("tool2-1.0-1.noarch.rpm")).doesNotExist();
    }

    private static String[] tokenArgs(String command, String... rest) {
        List<String> a = new ArrayList<>(List.of(command, "--pkcs11-module", MODULE, "--pkcs11-token", token,
                "--pkcs11-key", KEY, "--pin-env", "RPM_TOKEN_PIN"));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    private static java.io.InputStream stdin(String line) {
        return new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
