package io.avalanche.rpm.release;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.ContainerEnv;
import io.avalanche.rpm.validate.ContainerTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `build --image`: the build scripts run in a container (podman behind the docker CLI), never on the host. */
class ContainerBuildTest {
    static final String BUILDER = "localhost/rpm-release-builder:latest";
    static ContainerTarget.Engine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void builderImage() {
        engine = ContainerEnv.engine();
        Path scripts = ContainerEnv.repoRoot().resolve("scripts");
        // the host arch's builder image, tagged BUILDER too (scripts/test.sh builds it beside Maven)
        Cmd.run(List.of(scripts.resolve("build-target-image.sh").toString(), "--builder"), null, Map.of()).ok();
    }

    private Path sample() throws Exception {
        Path src = TestPackages.copySample(tmp.resolve("src"));
        Path build = src.resolve("scripts/build.sh");
        Files.writeString(build, Files.readString(build) + "cat /proc/sys/kernel/hostname > \"$REPO_ROOT/build/where\"\n");
        TestPackages.commitAll(src);
        TestPackages.tag(src, "v1.14.1");
        return src;
    }



    @Test
    void buildsInsideTheContainerAndPackages() throws Exception {
        Set<String> before = ContainerEnv.snapshot();
        Path src = sample();
        List<String> lines = new ArrayList<>();
        ReleaseManifest m = ReleaseBuilder.build(new ReleaseBuilder.Request(src, ReleaseTag.parse("v1.14.1"),
                Arch.host(), BUILDER, tmp.resolve("out"), Compression.parse("zstd:3"), engine), lines::add);
        String hostName = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        assertThat(Files.readString(src.resolve("build/where")).trim()).as("ran in a container")
                .isNotEqualTo(hostName).isNotEmpty();
        assertThat(lines).anyMatch(l -> l.contains("(in " + BUILDER + ")"));
        assertThat(m.files()).hasSize(2);
        String out = Cmd.run(src.resolve("build/avalanchego").toString(), "--version").ok().output();
        assertThat(out).contains("commit=" + m.commit());
        assertThat(Files.getAttribute(src.resolve("build/avalanchego"), "unix:uid"))
                .as("uid of the source tree preserved").isEqualTo(Files.getAttribute(src, "unix:uid"));
        assertThat(ContainerEnv.stayedSince(before, "rpm-release-build-")).isEmpty();
    }

    @Test
    void aFailingBuildInTheContainerFailsWithItsOutput() throws Exception {
        Set<String> before = ContainerEnv.snapshot();
        Path src = sample();
        Files.writeString(src.resolve("main/avalanchego.c"), "not C at all\n");
        TestPackages.commitAll(src);
        Cmd.run("git", "-C", src.toString(), "tag", "-f", "v1.14.1").ok();
        assertThatThrownBy(() -> ReleaseBuilder.build(new ReleaseBuilder.Request(src, ReleaseTag.parse("v1.14.1"),
                Arch.host(), BUILDER, tmp.resolve("out"), Compression.parse("zstd:3"), engine), l -> { }))
                .isInstanceOf(BuildException.class).hasMessageContaining("failed in container")
                .hasMessageContaining("avalanchego.c");
        assertThat(ContainerEnv.stayedSince(before, "rpm-release-build-")).isEmpty();
        assertThat(tmp.resolve("out/release.json")).doesNotExist();
    }

    @Test
    void aContainerThatCannotStartFailsTheBuild() throws Exception {
        Set<String> before = ContainerEnv.snapshot();
        Path src = sample();
        assertThatThrownBy(() -> ReleaseBuilder.build(new ReleaseBuilder.Request(src, ReleaseTag.parse("v1.14.1"),
                Arch.host(), "localhost/rpm-release-no-such-image:latest", tmp.resolve("out"),
                Compression.parse("zstd:3"), engine), l -> { }))
                .isInstanceOf(BuildException.class).hasMessageContaining("failed in container");
        assertThat(src.resolve("build/avalanchego")).doesNotExist();
        assertThat(ContainerEnv.stayedSince(before, "rpm-release-build-")).isEmpty();
    }
}
