package io.avalanche.rpm.cli;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.validate.ContainerEnv;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.TestReleases;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;

    @BeforeAll
    static void key() {
        releases = new TestReleases(tmp.resolve("fixtures"));
    }

    @Test
    void goodReleaseLocalExitsZeroAndWritesJUnit() throws Exception {
        Path bucket = releases.bucketDir(Variant.GOOD, "good");
        Path xml = tmp.resolve("reports/validate.xml");
        CliRunner.Run r = CliRunner.run("validate", "--from", "file:" + bucket, "--key", releases.publicKey().toString(), "--tag", TestReleases.TAG,
                "--arch", "x86_64", "--commit", TestReleases.COMMIT, "--local", "--junit", xml.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("PASS  avalanchego  smoke").contains("PASSED: v1.14.1 x86_64");
        String junit = Files.readString(xml);
        assertThat(junit).contains("<testcase classname=\"x86_64.subnet-evm\" name=\"smoke (x86_64, native)\"")
                .doesNotContain("<failure");
    }

    @Test
    void foreignArchLocalRunsUnderEmulationAndSaysSo() throws Exception {
        Arch foreign = Arch.host() == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        Path bucket = releases.bucketDir(Variant.GOOD, "foreign", foreign);
        Path xml = tmp.resolve("reports/foreign.xml");
        CliRunner.Run r = CliRunner.run("validate", "--from", "file:" + bucket, "--key", releases.publicKey().toString(), "--tag", TestReleases.TAG,
                "--arch", foreign.docker(), "--commit", TestReleases.COMMIT, "--local", "--junit", xml.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("PASS  avalanchego  smoke").contains(foreign.rpm() + ", emulated")
                .contains("NOTE  " + foreign.rpm() + " programs ran under emulation");
        assertThat(Files.readString(xml)).contains("name=\"smoke (" + foreign.rpm() + ", emulated)\"");
    }

    /** In a private mount namespace without binfmt_misc (the host keeps its own): exit 1 naming the missing piece. */
    @Test
    void foreignArchWithoutEmulationExitsOneNamingTheMissingPiece() throws Exception {
        Arch foreign = Arch.host() == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
        Path bucket = releases.bucketDir(Variant.GOOD, "noemu", foreign);
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Cmd.Result r = Cmd.run("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "umount /proc/sys/fs/binfmt_misc && exec \"$@\"", "sh", jvm, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "validate", "--from", "file:" + bucket,
                "--key", releases.publicKey().toString(), "--tag", TestReleases.TAG, "--arch", foreign.rpm(),
                "--commit", TestReleases.COMMIT, "--local");
        String out = r.output();
        assertThat(r.exitCode()).as(out).isEqualTo(Main.FAILURE);
        assertThat(out).contains("validating " + foreign.rpm() + " packages on this " + Arch.host().rpm()
                + " machine needs qemu-user emulation").contains("binfmt_misc is not mounted")
                .contains("update-binfmts --enable qemu-" + foreign.rpm()).doesNotContain("PASS");
        assertThat(Path.of("/proc/sys/fs/binfmt_misc/status")).exists();
    }

    @Test
    void newerGlibcExitsThreeNamingFileAndVersion() {
        Path dir = releases.releaseDir(Variant.NEW_GLIBC, "glibc");
        CliRunner.Run r = CliRunner.run("validate", "--from", dir.toString(), "--tag", TestReleases.TAG,
                "--arch", "amd64", "--commit", TestReleases.COMMIT, "--local", "--json",
                "--check-signatures-with", "rpmkeys");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains("\"passed\" : false").contains("/var/opt/avalanchego/bin/avalanchego needs GLIBC_2.36");
    }

    @Test
    void containerModeThroughTheDockerCli() {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        java.util.Set<String> before = ContainerEnv.snapshot();
        Path bucket = releases.bucketDir(Variant.WRONG_COMMIT, "commit");
        CliRunner.Run r = CliRunner.run("validate", "--from", "file:" + bucket, "--key", releases.publicKey().toString(), "--tag", TestReleases.TAG,
                "--arch", "x86_64", "--commit", TestReleases.COMMIT, "--image", ContainerEnv.IMAGE,
                "--docker-host", engine.env().get("DOCKER_HOST"));
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains("FAIL  avalanchego  smoke").contains("PASS  subnet-evm   smoke")
                .contains("container rpm-release-validate-");
        assertThat(ContainerEnv.stayedSince(before, "rpm-release-validate-")).isEmpty();
    }

    @Test
    void usageErrors() {
        CliRunner.Run both = CliRunner.run("validate", "--from", "x", "--tag", "v1", "--arch", "x86_64",
                "--commit", "abcdef1", "--local", "--image", "rockylinux:9");
        assertThat(both.exitCode()).isEqualTo(Main.USAGE);
        CliRunner.Run tool = CliRunner.run("validate", "--from", "x", "--tag", "v1.14.1", "--arch", "x86_64",
                "--commit", "abcdef1", "--local", "--check-signatures-with", "md5");
        assertThat(tool.exitCode()).as(tool.all()).isEqualTo(Main.USAGE);
        CliRunner.Run arch = CliRunner.run("validate", "--from", "x", "--tag", "v1.14.1", "--arch", "sparc",
                "--commit", "abcdef1", "--local");
        assertThat(arch.exitCode()).isEqualTo(Main.USAGE);
        CliRunner.Run missing = CliRunner.run("validate", "--from", tmp.resolve("nothing").toString(), "--tag",
                "v1.14.1", "--arch", "x86_64", "--commit", TestReleases.COMMIT, "--local");
        assertThat(missing.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(missing.err()).contains("avalanchego-v1.14.1-x86_64.rpm").contains("not found");
    }
}
