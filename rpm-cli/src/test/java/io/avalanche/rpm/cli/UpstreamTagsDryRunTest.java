package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.UpstreamShapes;
import io.avalanche.rpm.testing.UpstreamShapes.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `release --dry-run` and `build --dry-run` on a tree shaped like each upstream tag that has graft/subnet-evm
 * (the 34 tags v1.14.1-rc.0 .. v1.15.0-fuji-rc.4, their tag kind as upstream has it, and HEAD), and the refusal
 * of a tree from before the graft.
 */
class UpstreamTagsDryRunTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} ({1}, {2})")
    @CsvSource({"v1.14.1-rc.0, E1, lightweight", "v1.14.1-rc.1, E1, lightweight", "v1.14.1-rc.2, E1, lightweight",
        "v1.14.1, E1, lightweight", "v1.14.1-rc.3, E1, lightweight", "v1.14.2-rc.0, E1, lightweight",
        "v1.14.2-rc.1, E1, lightweight", "v1.14.2-rc.2, E1, lightweight", "v1.14.2-rc.3, E1, lightweight",
        "v1.14.2-rc.4, E1, lightweight", "v1.14.2-rc.5, E1, lightweight", "v1.14.2-rc.6, E1, lightweight",
        "v1.14.2-rc.7, E1, lightweight", "v1.14.2-rc.8, E1, lightweight", "v1.14.2-rc.9, E1, lightweight",
        "v1.14.2-rc.10, E1, lightweight", "v1.14.2-rc.11, E1, lightweight", "v1.14.2-rc.12, E2, lightweight",
        "v1.14.2-rc.13, E2, lightweight", "v1.14.2-firewood, E2, annotated", "v1.14.2-rc.14, E2, lightweight",
        "v1.14.2-rc.15, E2, lightweight", "v1.14.2-rc.16, E2, lightweight", "v1.14.2-rc.17, E2, lightweight",
        "v1.14.2-rc.18, E3, lightweight", "v1.14.2-rc.19, E3, lightweight", "v1.14.2-rc.20, E3, lightweight",
        "v1.14.2, E3, annotated", "v1.14.3-rc.0, E3, lightweight", "v1.14.3-rc.1, E3, lightweight",
        "v1.14.3-rc.2, E3, lightweight", "v1.15.0-fuji-rc.0, E3, annotated", "v1.15.0-fuji, E3, annotated",
        "v1.15.0-fuji-rc.4, E3, annotated", "v1.15.1-head-shape, E3, annotated"})
    void everyGraftedTagPlans(String tag, Shape shape, String kind) throws Exception {
        Path src = UpstreamShapes.tree(tmp.resolve("src"), shape, tag, kind.equals("annotated"));
        Path out = tmp.resolve("out");
        CliRunner.Run r = CliRunner.run("release", "--tag", tag, "--source", src.toString(), "--ephemeral", "--to",
                "file:" + tmp.resolve("bucket"), "--out", out.toString(), "--arch", "x86_64", "--arch", "aarch64",
                "--dry-run");
        assertThat(r.exitCode()).as(r.all()).isZero();
        String version = io.avalanche.rpm.format.ReleaseTag.parse(tag).version();
        assertThat(r.out()).contains("DRY RUN", "(points at the checked-out commit)",
                "VM ID:    " + UpstreamShapes.VM_ID + " (read from graft/subnet-evm/scripts/constants.sh:",
                "build subnet-evm: ./scripts/build.sh " + src.resolve("build/subnet-evm"),
                "    in " + src.resolve("graft/subnet-evm") + "  ->  " + src.resolve("build/subnet-evm"),
                "build avalanchego: ./scripts/build.sh", "    in " + src + "  ->  " + src.resolve("build/avalanchego"),
                "package avalanchego: version " + version + ", release 1, file avalanchego-" + tag + "-x86_64.rpm",
                "package subnet-evm: version " + version + ", release 1, file subnet-evm-" + tag + "-aarch64.rpm",
                "installs /var/opt/avalanchego/plugins/" + UpstreamShapes.VM_ID,
                "GOARCH=arm64", "/aarch64/subnet-evm-" + tag + "-aarch64.rpm",
                shape == Shape.E3 ? "changes into graft/subnet-evm itself" : "builds \"plugin/\" relative");
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("bucket")).doesNotExist();
        assertThat(src.resolve("build")).doesNotExist();

        CliRunner.Run b = CliRunner.run("build", "--tag", tag, "--source", src.toString(), "--out", out.toString(),
                "--dry-run");
        assertThat(b.exitCode()).as(b.all()).isZero();
        assertThat(b.out()).contains("DRY RUN", "build subnet-evm: ./scripts/build.sh " + src.resolve("build/subnet-evm"));
        assertThat(out).doesNotExist();
    }

    @Test
    void aTreeFromBeforeTheGraftIsRefusedNamingWhatIsMissing() throws Exception {
        Path src = UpstreamShapes.tree(tmp.resolve("src"), Shape.PRE_GRAFT, "v1.13.5", true);
        for (String cmd : new String[] {"release", "build"}) {
            CliRunner.Run r = cmd.equals("release")
                    ? CliRunner.run("release", "--tag", "v1.13.5", "--source", src.toString(), "--ephemeral", "--local",
                    "--out", tmp.resolve("out").toString(), "--dry-run")
                    : CliRunner.run("build", "--tag", "v1.13.5", "--source", src.toString(), "--out",
                    tmp.resolve("out").toString(), "--dry-run");
            assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err()).contains("graft/subnet-evm/scripts/build.sh is missing", "no subnet-evm graft",
                    "v1.14.1-rc.0").doesNotContain("\tat ");
            // the real run refuses the same way, before any build work
            CliRunner.Run real = CliRunner.run("release", "--tag", "v1.13.5", "--source", src.toString(),
                    "--ephemeral", "--local", "--out", tmp.resolve("out").toString());
            assertThat(real.exitCode()).isEqualTo(Main.USAGE);
            assertThat(real.err()).isEqualTo(r.err());
        }
        assertThat(tmp.resolve("out")).doesNotExist();
    }
}
