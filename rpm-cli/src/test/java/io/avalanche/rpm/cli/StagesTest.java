package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The stages one command at a time, as a CI system would chain them: build, sign, verify, publish, validate. */
class StagesTest {
    @TempDir
    Path tmp;

    @Test
    void buildSignVerifyPublishValidate() throws Exception {
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

        CliRunner.Run sign = CliRunner.run("sign", "--ephemeral", "--release", rpm.toString(), plugin.toString());
        assertThat(sign.exitCode()).as("--release refuses --ephemeral").isEqualTo(2);
        Path secret = releaseKey();
        sign = CliRunner.run("sign", "--key", secret.toString(), rpm.toString(), plugin.toString());
        assertThat(sign.exitCode()).as(sign.all()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("release.json").toFile());
        for (JsonNode f : manifest.get("files")) {
            Path p = out.resolve(f.get("name").asText());
            assertThat(f.get("sha256").asText()).as("release.json follows signing").isEqualTo(
                    Digests.hex(Digests.sha256(p)));
        }
        assertThat(manifest.toString()).contains("RPM-GPG-KEY-avalanchego");

        JsonNode inspect = new ObjectMapper().readTree(CliRunner.run("inspect", "--json", rpm.toString()).out());
        String pgpsig = Cmd.run("rpm", "-qp", "--qf", "%{RSAHEADER:pgpsig}", rpm.toString()).ok().output();
        assertThat(pgpsig).contains("\nRSA/SHA256, ").containsIgnoringCase(
                "Key ID " + inspect.get("signature").get("keyId").asText());
        assertThat(inspect.get("signature").get("hash").asText()).isEqualTo("SHA256");
        assertThat(inspect.get("elf").get(0).get("path").asText()).isEqualTo("/var/opt/avalanchego/bin/avalanchego");
        assertThat(inspect.get("elf").get(0).get("machine").asText()).isEqualTo(arch);
        assertThat(inspect.get("elf").get(0).get("maxGlibc").asText()).startsWith("GLIBC_2.");

        Path key = out.resolve("RPM-GPG-KEY-avalanchego");
        assertThat(CliRunner.run("verify", "--key", key.toString(), rpm.toString(), plugin.toString()).exitCode())
                .isZero();

        CliRunner.Run publish = CliRunner.run("publish", "--to", "file:" + tmp.resolve("bucket"), "--key",
                secret.toString(), out.toString());
        assertThat(publish.exitCode()).as(publish.all()).isZero();
        assertThat(publish.all()).doesNotContain("does not match");

        CliRunner.Run validate = CliRunner.run("validate", "--from", "file:" + tmp.resolve("bucket"), "--key",
                key.toString(), "--tag", "v1.14.1", "--arch", arch, "--commit", commit, "--local", "--junit", tmp.resolve("j.xml").toString());
        assertThat(validate.exitCode()).as(validate.all()).isZero();
        CliRunner.Run wrong = CliRunner.run("validate", "--from", "file:" + tmp.resolve("bucket"), "--key",
                key.toString(), "--tag",
                "v1.14.1", "--arch", arch, "--commit", "0".repeat(40), "--local");
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(Files.readString(tmp.resolve("j.xml"))).contains("testcase");
    }

    /** An unprotected RSA release key made by gpg, exported armored (secret part) into the test directory. */
    private Path releaseKey() throws Exception {
        Path secret = tmp.resolve("release.asc");
        TestKeys.gpg(tmp, "release", "rsa2048", "1d", secret, tmp.resolve("release-pub.asc"));
        return secret;
    }
}
