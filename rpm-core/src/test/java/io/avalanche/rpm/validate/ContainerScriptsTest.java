package io.avalanche.rpm.validate;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/podman-env.sh in a private state directory: idempotent start, the service runs in its state directory (not
 * the caller's), docker CLI works, clean stop/purge. scripts/install-deps.sh remembers its passed self-check.
 */
class ContainerScriptsTest {
    @Test
    void startIsIdempotentAndStopLeavesNoMounts() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "podman-env-test");
        Path script = ContainerEnv.repoRoot().resolve("scripts/podman-env.sh");
        Map<String, String> env = Map.of("RPM_RELEASE_PODMAN_DIR", dir.toString());
        Path caller = Files.createTempDirectory("podman-env-caller");
        try {
            String first = Tools.ok(caller, env, List.of(script.toString(), "start"));
            assertThat(first).contains("export DOCKER_HOST='unix://" + dir + "/podman.sock'")
                    .contains("export CONTAINERS_CONF='" + dir + "/containers.conf'");
            String pid = Files.readString(dir.resolve("service.pid")).strip();
            // a service left in the caller's directory fails every container start once that directory is removed
            assertThat(Files.readSymbolicLink(Path.of("/proc", pid, "cwd"))).isEqualTo(dir.toRealPath());
            Files.delete(caller);
            assertThat(Tools.ok(dir, env, List.of(script.toString(), "start"))).isEqualTo(first);
            assertThat(Files.readString(dir.resolve("service.pid")).strip()).isEqualTo(pid);
            assertThat(Files.readString(dir.resolve("containers.conf")))
                    .contains("netns = \"none\"").contains("runtime = \"runc\"").contains("nofile=20000:20000");
            Tools.ok(dir, Map.of("DOCKER_HOST", "unix://" + dir + "/podman.sock"), List.of("docker", "ps", "-a"));

            Tools.ok(dir, env, List.of(script.toString(), "stop"));
            assertThat(dir.resolve("podman.sock")).doesNotExist();
            assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive)).isNotEqualTo(
                    java.util.Optional.of(true));
            assertThat(Tools.ok(dir, "findmnt", "-rn", "-o", "TARGET")).doesNotContain(dir.toString());
        } finally {
            Files.deleteIfExists(caller);
            Tools.ok(dir, env, List.of(script.toString(), "purge"));
        }
        assertThat(dir).doesNotExist();
    }

    /** The same script run from another checkout (the main job runs it by its absolute path) skips the self-check. */
    @Test
    void installDepsSkipsItsSelfCheckOnceItPassedWhereverTheScriptLies(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path state = tmp.resolve("state");
        for (String checkout : List.of("a", "b")) {
            Files.createDirectories(tmp.resolve(checkout + "/scripts"));
            for (String f : List.of("install-deps.sh", "podman-env.sh")) {
                Files.copy(ContainerEnv.repoRoot().resolve("scripts/" + f), tmp.resolve(checkout + "/scripts/" + f));
            }
        }
        Map<String, String> env = Map.of("RPM_RELEASE_STATE_DIR", state.toString());
        assertThat(Tools.ok(tmp, env, List.of("bash", tmp.resolve("a/scripts/install-deps.sh").toString(),
                "--recheck"))).contains("install-deps: ok (").doesNotContain("passed before");
        assertThat(Tools.ok(tmp, env, List.of("bash", tmp.resolve("b/scripts/install-deps.sh").toString())))
                .contains("self-check passed before");
        assertThat(Tools.ok(tmp.resolve("a"), env, List.of("bash", "scripts/install-deps.sh")))
                .contains("self-check passed before");
        Files.writeString(tmp.resolve("b/scripts/install-deps.sh"), "\n# changed\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(Tools.ok(tmp, env, List.of("bash", tmp.resolve("b/scripts/install-deps.sh").toString())))
                .doesNotContain("passed before");
    }
}
