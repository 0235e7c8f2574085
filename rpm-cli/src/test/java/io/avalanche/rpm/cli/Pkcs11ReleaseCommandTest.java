package io.avalanche.rpm.cli;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.SoftHsm;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `release` end to end with the key in a SoftHSM2 token: build, token signing, publish, full validation, dnf. */
class Pkcs11ReleaseCommandTest {
    static final String KEY = "release-key";
    private final InputStream savedIn = System.in;

    @TempDir
    Path tmp;

    @AfterEach
    void restore() {
        System.setIn(savedIn);
    }

    @Test
    void releaseSignedThroughTheTokenPassesValidationAndDnf() throws Exception {
        String token = SoftHsm.newToken();
        String module = SoftHsm.MODULE.toString();
        Path cert = tmp.resolve("RPM-GPG-KEY-token");
        CliRunner.Run keygen = CliRunner.runWith(new KeygenCommand(Map.of("PIN", SoftHsm.PIN), System.in), "keygen",
                "--pkcs11-module", module, "--pkcs11-token", token, "--pkcs11-key", KEY, "--pin-env", "PIN",
                "--user-id", "Release <release@example.com>", "--export-key", cert.toString());
        assertThat(keygen.exitCode()).as(keygen.all()).isZero();

        Path source = tmp.resolve("src");
        TestPackages.sampleRepo(source);
        String arch = Arch.host().rpm();
        Path bucket = tmp.resolve("bucket");
        System.setIn(new ByteArrayInputStream((SoftHsm.PIN + "\n").getBytes(StandardCharsets.UTF_8)));
        CliRunner.Run r = CliRunner.run("release", "--tag", "v1.14.1", "--source", source.toString(), "--to",
                "file:" + bucket, "--local", "--out", tmp.resolve("out").toString(), "--compression", "zstd:3",
                "--junit", tmp.resolve("junit.xml").toString(), "--pkcs11-module", module, "--pkcs11-token", token,
                "--pkcs11-key", KEY, "--pin-stdin", "--cert", cert.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("RELEASE OK: v1.14.1");
        assertThat(r.all()).doesNotContain(SoftHsm.PIN);
        assertThat(Files.readString(tmp.resolve("junit.xml"))).contains("<testcase").doesNotContain("<failure");
        assertThat(bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego")).hasSameBinaryContentAs(cert);

        Path db = Files.createDirectories(tmp.resolve("rpmdb"));
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", cert.toString()).ok();
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--checksig", "--define", "_pkgverify_level signature",
                bucket.resolve("linux/rpms/" + arch + "/avalanchego-v1.14.1-" + arch + ".rpm").toString()).ok();
        Pkcs11CommandsTest.dnfInstallsFrom(bucket, arch, tmp);
        // neither the PIN nor any private key block was written anywhere the run wrote
        io.avalanche.rpm.sign.SecretScan scan = new io.avalanche.rpm.sign.SecretScan(SoftHsm.PIN, null);
        scan.assertClean("release output", r.all());
        scan.assertTreeClean(tmp);
    }
}
