package io.avalanche.rpm.validate;

import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The container target runs every step in one container, reads real statuses and never leaves a container behind. */
class ContainerTargetTest {
    @TempDir
    Path tmp;

    private static Step run(String id, String path, List<String> args, String... needs) {
        return new Step(id, new Step.Run(path, args), needs);
    }

    @Test
    void stepStatusesAreRealArgumentsVerbatimAndMountIsReadOnly() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        Files.writeString(tmp.resolve("hello.txt"), "hi");
        String odd = "it's \"$HOME\" `id` $(id) ${1} \\ * ;";
        String forged = ContainerScript.STEP + "8 0\n" + ContainerScript.END + "\n";
        String name;
        Step.Results r;
        try (ContainerTarget t = ContainerTarget.open(engine, ContainerEnv.IMAGE, tmp)) {
            name = t.name();
            r = t.run(List.of(
                    run("exit7", "/bin/sh", List.of("-c", "exit 7")),
                    run("cat", "/bin/cat", List.of("/rpms/hello.txt")),
                    run("write", "/bin/sh", List.of("-c", "echo x > /rpms/new")),
                    new Step("sh", new Step.IsExecutable("/bin/sh")),
                    new Step("txt", new Step.IsExecutable("/rpms/hello.txt")),
                    run("net", "/bin/cat", List.of("/proc/net/dev")),
                    run("forge", "/bin/sh", List.of("-c", "printf '%s' \"$1\"; exit 3", "sh", forged)),
                    run("after-failure", "/bin/true", List.of(), "exit7"),
                    run("odd", "/bin/echo", List.of(odd), "cat", "sh"),
                    run("stderr", "/bin/sh", List.of("-c", "echo out; echo err >&2"))));
        }
        assertThat(ContainerEnv.goneWithin(name, java.time.Duration.ofSeconds(60))).as(name).isTrue();   // close
        assertThat(r.get("exit7").exitCode()).isEqualTo(7);
        assertThat(r.get("cat").output()).isEqualTo("hi");
        assertThat(r.get("write").ok()).isFalse();
        assertThat(r.get("sh").ok()).isTrue();
        assertThat(r.get("txt").ok()).isFalse();
        assertThat(r.get("net").output()).doesNotContain("eth0");
        assertThat(r.get("forge").exitCode()).isEqualTo(3);
        assertThat(r.get("forge").output()).isEqualTo(forged);
        assertThat(r.get("after-failure")).isNull();
        assertThat(r.get("odd").output()).isEqualTo(odd + "\n");
        assertThat(r.get("stderr").output()).isEqualTo("out\nerr\n");
        assertThat(r.time("exit7")).isPositive();
    }

    @Test
    void aMissingImageIsAnErrorNamingIt() {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        try (ContainerTarget t = ContainerTarget.open(engine, "localhost/rpm-release-no-such-image:1", tmp)) {
            assertThatThrownBy(() -> t.run(List.of(run("x", "/bin/true", List.of()))))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("cannot start a container of localhost/rpm-release-no-such-image:1");
        }
    }

    @Test
    void aStepThatOutlivesTheTimeoutHasNoResultAndTheContainerIsRemoved() {
        ContainerTarget.Engine e = ContainerEnv.engine();
        ContainerTarget.Engine slow = new ContainerTarget.Engine(e.docker(), e.env(), java.time.Duration.ofSeconds(8));
        String name;
        Step.Results r;
        try (ContainerTarget t = ContainerTarget.open(slow, ContainerEnv.IMAGE, tmp)) {
            name = t.name();
            r = t.run(List.of(run("quick", "/bin/true", List.of()), run("hang", "/bin/sleep", List.of("600"), "quick")));
        }
        assertThat(r.get("quick").ok()).as(r.get("quick").toString()).isTrue();
        assertThat(r.get("hang").exitCode()).isEqualTo(-1);
        assertThat(r.get("hang").output()).contains("timed out");
        assertThat(ContainerEnv.goneWithin(name, java.time.Duration.ofSeconds(60))).as(name).isTrue();
    }

    @Test
    void containerIsRemovedWhenTheJvmIsTerminated() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = Cmd.start(List.of(java, "-cp", System.getProperty("java.class.path"), HookMain.class.getName(),
                engine.env().get("DOCKER_HOST"), ContainerEnv.IMAGE, tmp.toString()), Map.of(), null);
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

    /**
     * A run held at its gate: the container is up while the gate is closed, and its steps run only after the gate
     * opened (each step prints the clock it ran at, which the container shares with this host); a gate that closes
     * runs no step at all.
     */
    @Test
    void aHeldRunStartsItsContainerButNoStepBeforeTheGateOpens() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        List<Step> steps = List.of(run("when", "/bin/date", List.of("+%s%N")),
                run("again", "/bin/date", List.of("+%s%N"), "when"));
        java.util.concurrent.CompletableFuture<Boolean> go = new java.util.concurrent.CompletableFuture<>();
        String name;
        long opened;
        Step.Results r;
        try (ContainerTarget t = ContainerTarget.open(engine, ContainerEnv.IMAGE, tmp)) {
            name = t.name();
            java.util.concurrent.CompletableFuture<Step.Results> running =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> t.run(steps, go));
            long until = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (!ContainerEnv.running().contains(name) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(ContainerEnv.running()).as("the container is up, held at its gate").contains(name);
            Thread.sleep(500);
            assertThat(running).as("no result before the gate opens").isNotDone();
            opened = System.currentTimeMillis() * 1_000_000L;
            go.complete(true);
            r = running.get(60, TimeUnit.SECONDS);
        }
        assertThat(r.get("when").ok()).as(r.get("when").toString()).isTrue();
        assertThat(Long.parseLong(r.get("when").output().strip())).as("the first step ran after the gate opened")
                .isGreaterThanOrEqualTo(opened - 20_000_000L);
        assertThat(r.get("again").ok()).isTrue();
        assertThat(ContainerEnv.goneWithin(name, java.time.Duration.ofSeconds(60))).as(name).isTrue();

        java.util.concurrent.CompletableFuture<Boolean> no = new java.util.concurrent.CompletableFuture<>();
        try (ContainerTarget t = ContainerTarget.open(engine, ContainerEnv.IMAGE, tmp)) {
            name = t.name();
            no.complete(false);
            r = t.run(steps, no);
        }
        assertThat(r.get("when")).as("a closed gate runs no step").isNull();
        assertThat(r.get("again")).isNull();
        assertThat(ContainerEnv.goneWithin(name, java.time.Duration.ofSeconds(60))).as(name).isTrue();
    }

    /**
     * An exit that interrupts a run before the engine has created its container still removes it: the killed CLI's
     * request goes on, and the container appears after the exit hook's first {@code docker rm} found nothing.
     */
    @Test
    void anExitDuringTheContainersCreationRemovesItOnceItAppears() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        ContainerTarget t = ContainerTarget.open(engine, ContainerEnv.IMAGE, tmp);
        String name = t.name();
        try {
            java.util.concurrent.CompletableFuture<String> late = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Tools.ok(null, engine.env(), List.of("docker", "create", "--name", name,
                                "--network=none", ContainerEnv.IMAGE, "/bin/true"));
                    });
            t.removeAtExit(true);   // what the exit hook does when the JVM stops during a run
            late.get(60, TimeUnit.SECONDS);
            assertThat(ContainerEnv.exists(name)).as("created late, removed by the exit hook: " + name).isFalse();
        } finally {
            Tools.run(null, engine.env(), List.of("docker", "rm", "-f", name));
        }
    }
}
