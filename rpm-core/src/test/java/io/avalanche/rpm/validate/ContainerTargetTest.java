package io.avalanche.rpm.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The container target reads real exit statuses and never leaves a container behind. */
class ContainerTargetTest {
    @TempDir
    Path tmp;

    @Test
    void execStatusesAreRealAndMountIsReadOnly() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        Files.writeString(tmp.resolve("hello.txt"), "hi");
        String name;
        try (ContainerTarget t = ContainerTarget.start(engine, ContainerEnv.IMAGE, tmp)) {
            name = t.name();
            assertThat(ContainerEnv.containers()).contains(name);
            assertThat(t.run("/bin/sh", "-c", "exit 7").exitCode()).isEqualTo(7);
            assertThat(t.run("/bin/cat", "/rpms/hello.txt").output()).isEqualTo("hi");
            assertThat(t.run("/bin/sh", "-c", "echo x > /rpms/new").ok()).isFalse();
            assertThat(t.isExecutable("/bin/sh").ok()).isTrue();
            assertThat(t.isExecutable("/rpms/hello.txt").ok()).isFalse();
            assertThat(t.run("/bin/cat", "/proc/net/dev").output()).doesNotContain("eth0");
        }
        assertThat(ContainerEnv.containers()).doesNotContain(name);
    }

    @Test
    void containerIsRemovedWhenTheJvmIsTerminated() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HookMain.class.getName(), engine.env().get("DOCKER_HOST"), ContainerEnv.IMAGE, tmp.toString()))
                .redirectErrorStream(true).start();
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
            assertThat(line).as("child output").startsWith("started " + ContainerTarget.NAME_PREFIX);
            String name = line.substring("started ".length());
            assertThat(ContainerEnv.containers()).contains(name);
            p.destroy(); // SIGTERM: shutdown hooks run
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(ContainerEnv.containers()).doesNotContain(name);
        } finally {
            p.destroyForcibly();
        }
    }
}
