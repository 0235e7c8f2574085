package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

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

    private static String id(ContainerTarget.Engine e, String image) {
        return Tools.ok(null, e.env(), List.of("docker", "image", "inspect", "--format", "{{.Id}}", image)).strip();
    }
}
