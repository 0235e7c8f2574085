package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PackageCommandTest {
    @TempDir
    Path tmp;

    @Test
    void packagesAndInspects() throws Exception {
        Path bin = TestPackages.compileVersionBinary(tmp.resolve("b"), "avalanchego", "cafe");
        CliRunner.Run r = CliRunner.run("package", "--name", "avalanchego", "--tag", "v1.14.1-rc.2", "--arch",
                "amd64", "--file", bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--requires",
                "glibc >= 2.34", "--compression", "zstd:3", "--out", tmp.resolve("out").toString(), "--json");
        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        Path rpm = Path.of(j.get("file").asText());
        assertThat(rpm.getFileName().toString()).isEqualTo("avalanchego-v1.14.1-rc.2-x86_64.rpm");
        assertThat(j.get("size").asLong()).isEqualTo(Files.size(rpm));
        assertThat(Cmd.run("rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE}.%{ARCH}", rpm.toString()).ok().output())
                .isEqualTo("1.14.1~rc.2-1.x86_64");
        assertThat(Cmd.run("sha256sum", rpm.toString()).ok().output()).startsWith(j.get("sha256").asText());

        CliRunner.Run inspect = CliRunner.run("inspect", rpm.toString(), "--json");
        assertThat(inspect.exitCode()).isZero();
        JsonNode d = new ObjectMapper().readTree(inspect.out());
        assertThat(d.get("name").asText()).isEqualTo("avalanchego");
        assertThat(d.get("evr").asText()).isEqualTo("1.14.1~rc.2-1");
        assertThat(d.get("requires").toString()).contains("glibc >= 2.34");
        assertThat(d.get("files").get(2).get("path").asText()).isEqualTo("/var/opt/avalanchego/bin/avalanchego");
        assertThat(d.get("files").get(2).get("mode").asText()).isEqualTo("100755");
        assertThat(d.get("files").get(2).get("sha256").asText())
                .isEqualTo(Cmd.run("sha256sum", bin.toString()).ok().output().substring(0, 64));
        assertThat(CliRunner.run("inspect", rpm.toString()).out()).contains("avalanchego-1.14.1~rc.2-1.x86_64",
                "/var/opt/avalanchego/bin/avalanchego");
    }

    @Test
    void packagesAndSignsInOneRun() throws Exception {
        Path bin = TestPackages.compileVersionBinary(tmp.resolve("b"), "avalanchego", "cafe");
        CliRunner.Run r = CliRunner.run("package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch", "x86_64",
                "--file", bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--compression", "zstd:3", "--out",
                tmp.resolve("out").toString(), "--ephemeral", "--json");
        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        Path db = tmp.resolve("db");
        Cmd.run("rpmkeys", "--dbpath", db.toString(), "--import", j.get("publicKey").asText()).ok();
        assertThat(Cmd.run("rpm", "--dbpath", db.toString(), "-vK", j.get("file").asText()).ok().output())
                .containsPattern("RSA/SHA256 [Ss]ignature.*: OK").doesNotContain("BAD");
        assertThat(Cmd.run("sha256sum", j.get("file").asText()).ok().output()).startsWith(j.get("sha256").asText());
        assertThat(CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "noarch", "--file",
                bin + ":/opt/x", "--out", tmp.toString(), "--passphrase-env", "X").exitCode()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1.2.3;rm -rf /", ""})
    void badTagsAreUsageErrors(String tag) throws Exception {
        Path f = TestPackages.content(tmp, "f", 10, 1);
        CliRunner.Run r = CliRunner.run("package", "--name", "x", "--tag", tag, "--arch", "x86_64", "--file",
                f + ":/opt/x/f", "--out", tmp.resolve("o").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("tag").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Path f = TestPackages.content(tmp, "f", 10, 1);
        assertThat(CliRunner.run("package", "--name", "x").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "sparc", "--file",
                f + ":/opt/x/f", "--out", tmp.toString()).err()).contains("unknown architecture 'sparc'");
        CliRunner.Run missing = CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "x86_64",
                "--file", tmp.resolve("nope") + ":/opt/x/f", "--out", tmp.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope");
        assertThat(CliRunner.run("package", "--name", "x", "--version", "1", "--tag", "v1.0.0", "--arch", "x86_64",
                "--file", f + ":/opt/x/f", "--out", tmp.toString()).exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("nonsense").exitCode()).isEqualTo(2);
    }

    @Test
    void refusesAnElfBinaryOfAnotherArchitectureNamingBoth() throws Exception {
        Path c = tmp.resolve("hello.c");
        Files.writeString(c, "int main(void){return 0;}\n");
        Path arm = tmp.resolve("hello-arm");
        Cmd.run("aarch64-linux-gnu-gcc", "-o", arm.toString(), c.toString()).ok();
        CliRunner.Run r = CliRunner.run("package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch", "x86_64",
                "--file", arm + ":/var/opt/avalanchego/bin/avalanchego:0755", "--out", tmp.resolve("o").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("hello-arm", "aarch64", "x86_64");
        assertThat(tmp.resolve("o").resolve("avalanchego-v1.14.1-x86_64.rpm")).doesNotExist();
        assertThat(CliRunner.run("package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch", "arm64",
                "--file", arm + ":/var/opt/avalanchego/bin/avalanchego:0755", "--out", tmp.resolve("o").toString())
                .exitCode()).isZero();
        assertThat(CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "noarch",
                "--file", arm + ":/opt/x/bin:0755", "--out", tmp.resolve("o").toString()).err())
                .contains("noarch");
    }

    @Test
    void corruptPackageIsAFailureWithoutStackTrace() throws Exception {
        Path bad = tmp.resolve("bad.rpm");
        Files.write(bad, new byte[] {1, 2, 3});
        CliRunner.Run r = CliRunner.run("inspect", bad.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("bad.rpm").doesNotContain("\tat ");
        assertThat(CliRunner.run("--stacktrace", "inspect", bad.toString()).err()).contains("\tat ");
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        for (String c : new String[] {"package", "inspect", "build", "sign", "verify", "publish", "validate",
            "release"}) {
            CliRunner.Run r = CliRunner.run(c, "--help");
            assertThat(r.exitCode()).as(c).isZero();
            assertThat(r.out()).as(c).containsIgnoringCase("example").contains("rpm-release " + c);
        }
    }
}
