package io.avalanche.rpm.cli;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `publish --key FILE --passphrase-env VAR` signs repomd.xml in Java; gpg verifies the signature. */
class PublishWithKeyTest {
    @TempDir
    Path tmp;

    @Test
    void repomdIsSignedWithTheReleaseKey() throws Exception {
        String pass = "correct horse battery staple 7";
        Path secret = tmp.resolve("release.asc");
        Path pub = tmp.resolve("pub.asc");
        TestKeys.gpg(tmp, "release", "rsa2048", "1d", pass, secret, pub);

        Path release = Files.createDirectories(tmp.resolve("release"));
        Path rpm = TestPackages.avalanchego(release, Compression.parse("gzip"), 1000);
        // publish refuses packages its key did not sign: sign with the same key first
        try (var in = Files.newInputStream(secret)) {
            new io.avalanche.rpm.sign.RpmSigner(io.avalanche.rpm.sign.SigningKeys.load(in, pass.toCharArray(),
                    secret.toString()).headerSigner()).sign(rpm);
        }
        Files.copy(pub, release.resolve("RPM-GPG-KEY-avalanchego"));
        Path bucket = tmp.resolve("bucket");

        CliRunner.Run run = CliRunner.runWith(new PublishCommand(Map.of("RPM_KEY_PASS", pass)), "publish", "--to",
                "file:" + bucket, "--key", secret.toString(), "--passphrase-env", "RPM_KEY_PASS", release.toString());
        int rc = run.exitCode();
        String all = run.all();
        assertThat(rc).as(all).isZero();
        assertThat(all).doesNotContain(pass).doesNotContain("PRIVATE KEY");

        Path repodata = bucket.resolve("linux/rpms/x86_64/repodata");
        Path verifyHome = Files.createDirectory(tmp.resolve("verify"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Cmd.run("gpg", "--batch", "--homedir", verifyHome.toString(), "--import", pub.toString()).ok();
        String v = Cmd.run("gpg", "--batch", "--homedir", verifyHome.toString(), "--verify",
                repodata.resolve("repomd.xml.asc").toString(), repodata.resolve("repomd.xml").toString()).ok().output();
        assertThat(v).contains("Good signature");
        assertThat(Files.readString(bucket.resolve("linux/rpms/avalanchego.repo"))).contains("repo_gpgcheck=1");

        Files.writeString(repodata.resolve("repomd.xml"), Files.readString(repodata.resolve("repomd.xml")) + " ");
        assertThat(Cmd.run("gpg", "--batch", "--homedir", verifyHome.toString(), "--verify",
                repodata.resolve("repomd.xml.asc").toString(), repodata.resolve("repomd.xml").toString()).exitCode())
                .isNotZero();
    }
}
