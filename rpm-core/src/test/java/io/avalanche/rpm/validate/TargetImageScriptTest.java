package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/build-target-image.sh keeps an image this revision of the script built: a second call (every test JVM
 * makes one) is a quick "exists", never a rebuild of several minutes, for the default name and the arch's name.
 */
class TargetImageScriptTest {

    @Test
    void anImageOfThisRevisionIsKeptNotRebuilt() {
        ContainerTarget.Engine e = ContainerEnv.engine();
        Arch arch = Arch.parse(System.getProperty("os.arch"));
        String host = ContainerEnv.image(arch);
        Path script = ContainerEnv.repoRoot().resolve("scripts/build-target-image.sh");
        for (List<String> args : List.of(List.of(script.toString(), ContainerEnv.IMAGE),
                List.of(script.toString(), "--arch", arch.docker(), host))) {
            String image = args.get(args.size() - 1);
            String before = id(e, image);
            String out = Tools.ok(script.getParent(), e.env(), args);
            assertThat(out).as(String.join(" ", args)).contains(image + " (" + arch.docker() + ") exists (use --rebuild")
                    .doesNotContain("building it again").doesNotContain("bootstrapping").doesNotContain("not found");
            assertThat(id(e, image)).as(image).isEqualTo(before);
        }
    }

    /**
     * An image that exists is kept at once while another build of its arch holds the arch's lock (scripts/test.sh
     * builds the builder image after the host's target: a test asking for the target does not wait for the builder).
     */
    @Test
    void anImageThatExistsIsKeptWhileAnotherBuildOfItsArchHoldsTheLock(@TempDir Path tmp) throws Exception {
        ContainerTarget.Engine e = ContainerEnv.engine();
        Arch arch = Arch.parse(System.getProperty("os.arch"));
        String host = ContainerEnv.image(arch);
        Path dir = Path.of(System.getenv().getOrDefault("RPM_RELEASE_PODMAN_DIR", "/var/tmp/rpm-release-podman"));
        String lock = dir.resolve("image-" + arch.docker() + ".lock").toString();
        Process holder = Cmd.start(List.of("flock", lock, "sleep", "120"), Map.of(), tmp.resolve("holder.log"));
        try {
            long until = System.nanoTime() + 30_000_000_000L;
            while (Cmd.run("flock", "-n", lock, "true").exitCode() == 0) {
                assertThat(System.nanoTime()).as("flock holds " + lock).isLessThan(until);
                Thread.sleep(50);
            }
            Path script = ContainerEnv.repoRoot().resolve("scripts/build-target-image.sh");
            long start = System.nanoTime();
            String out = Tools.ok(script.getParent(), e.env(),
                    List.of(script.toString(), "--arch", arch.docker(), host));
            assertThat(out).contains(host + " (" + arch.docker() + ") exists (use --rebuild");
            assertThat((System.nanoTime() - start) / 1_000_000_000L).as("seconds, against the holder's 120")
                    .isLessThan(60);
            assertThat(holder.isAlive()).as("the lock was still held").isTrue();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private static String id(ContainerTarget.Engine e, String image) {
        return Tools.ok(null, e.env(), List.of("docker", "image", "inspect", "--format", "{{.Id}}", image)).strip();
    }
}
