package io.avalanche.rpm.validate;

import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    private static final List<String> VALID = List.of("rockylinux:9", "rockylinux:9.4",
            "docker.io/library/rockylinux:9", "quay.io:443/a/b_c__d-e:tag", "localhost/rpm-release-target:latest",
            "registry.example.com/team/x@sha256:" + "a".repeat(64), "Registry.Example.com/x:1", "a--b",
            "x:Tag_1.2-rc", "sha256:" + "0123456789abcdef".repeat(4));
    private static final List<String> INVALID = List.of("--privileged", "-v=/:/host", "bad name", "Rocky:9",
            "a:b/c", "x:", ":9", "a___b", "a.-b", "sha256:abc", "x:-tag", "x@sha256:zz");

    @Test
    void referencesAreJudgedAsPodmanJudgesThem() {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        List<String> disagree = new ArrayList<>();
        for (String ref : concat(VALID, INVALID)) {
            List<String> cmd = new ArrayList<>(engine.docker());
            cmd.addAll(List.of("image", "inspect", "--format", "{{.Id}}", "--", ref));
            Tools.Run r = Tools.run(null, engine.env(), cmd);
            // podman parses the name first: a bad one is "invalid reference format" or "must be lowercase"
            boolean podmanValid = r.exitCode() == 0 || r.output().contains("No such image");
            boolean parsed = !r.output().contains("invalid") && !r.output().contains("must be lowercase");
            assertThat(podmanValid).as(ref + ": " + r.output()).isEqualTo(parsed);
            if (podmanValid != VALID.contains(ref)) {
                disagree.add(ref + " (podman: " + r.output().strip() + ")");
            }
        }
        assertThat(disagree).as("the cases themselves, by podman").isEmpty();
        for (String ref : VALID) {
            assertThat(ImageReference.check(ref)).isEqualTo(ref);
        }
        for (String ref : INVALID) {
            assertThatThrownBy(() -> ImageReference.check(ref)).as(ref).isInstanceOf(SpecException.class)
                    .hasMessageStartingWith("image '" + ref + "' is not a container image reference");
        }
    }

    @Test
    void theArchPlaceholderIsAllowedAndEmptinessIsNot() {
        assertThat(ImageReference.check("localhost/rpm-release-target:latest-{arch}"))
                .isEqualTo("localhost/rpm-release-target:latest-{arch}");
        for (String ref : new String[] {"", null, "x\n", "x ", "{arch}-", "a".repeat(600)}) {
            assertThatThrownBy(() -> ImageReference.check(ref)).isInstanceOf(SpecException.class);
        }
    }

    @Test
    void anImageThatLooksLikeAnOptionNeverReachesDocker() {
        assertThatThrownBy(() -> new ValidationOptions.Container("--privileged",
                ContainerTarget.Engine.dockerCli())).isInstanceOf(SpecException.class)
                .hasMessageContaining("'--privileged'");
        assertThatThrownBy(() -> ContainerTarget.open(ContainerTarget.Engine.dockerCli(), "-v=/:/host",
                java.nio.file.Path.of("."))).isInstanceOf(SpecException.class);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
