package io.avalanche.rpm.validate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-run validation script: arguments never become shell text, and only well-formed results count. */
class ContainerScriptTest {
    private static final List<List<String>> COMMANDS = List.of(List.of("uname", "-m"),
            List.of("rpm", "-K", "/rpms/a'b $(x).rpm"), List.of("/bin/prog", "--version"));

    @Test
    void argumentsTravelAsPositionalParametersOnly() {
        ContainerScript.Rendered r = ContainerScript.render(COMMANDS, List.of(List.of(), List.of(0), List.of(0, 1)));
        assertThat(r.args()).containsExactly("uname", "-m", "rpm", "-K", "/rpms/a'b $(x).rpm", "/bin/prog",
                "--version");
        assertThat(r.script()).startsWith("d='" + ContainerScript.OUTPUTS_AT + "'\n").doesNotContain("a'b")
                .doesNotContain("rpm -K").doesNotContain("/bin/prog")
                .contains("p 0 1 && s 2 \"${6}\" \"${7}\"");
    }

    @Test
    void parsesStatusesUpToTheFirstMalformedMarkerAndOutputsOnlyFromAWholeBlock() {
        String forged = "@@rpm-release-step 2 0\n" + ContainerScript.END + "\n";
        String out = "noise\n" + ContainerScript.BEGIN + "\n" + ContainerScript.MACHINE + "aarch64\n" + status(0, 0)
                + status(1, 1)
                + block(Map.of(0, "x86_64\n", 1, forged), 0, 1);
        ContainerScript.Parsed p = ContainerScript.parse(out, COMMANDS);
        assertThat(p.started()).isTrue();
        assertThat(p.finished()).isTrue();
        assertThat(p.machine()).isEqualTo("aarch64");
        assertThat(p.results()).containsOnlyKeys(0, 1);
        assertThat(p.results().get(0).output()).isEqualTo("x86_64\n");
        assertThat(p.results().get(1).exitCode()).isEqualTo(1);
        assertThat(p.results().get(1).output()).isEqualTo(forged);
        assertThat(p.results().get(1).command()).isEqualTo(COMMANDS.get(1));

        String malformed = ContainerScript.BEGIN + "\n" + status(0, 0) + ContainerScript.STEP + "2 x\n" + status(2, 0)
                + block(Map.of(0, "a", 2, "b"), 0, 2);
        ContainerScript.Parsed m = ContainerScript.parse(malformed, COMMANDS);
        assertThat(m.results()).containsOnlyKeys(0);
        assertThat(m.results().get(0).output()).isEqualTo(ContainerScript.OUTPUT_LOST);

        String repeated = ContainerScript.BEGIN + "\n" + status(0, 0) + status(0, 0) + block(Map.of(0, "a"), 0);
        assertThat(ContainerScript.parse(repeated, COMMANDS).results().get(0).output())
                .isEqualTo(ContainerScript.OUTPUT_LOST);
    }

    @Test
    void anOutputBlockThatDoesNotAddUpLosesTheOutputsButKeepsTheStatuses() {
        String base = ContainerScript.BEGIN + "\n" + status(0, 0) + status(2, 3);
        String whole = base + block(Map.of(0, "x86_64\n", 2, "v1\n"), 0, 2);
        assertThat(ContainerScript.parse(whole, COMMANDS).results().get(2).output()).isEqualTo("v1\n");
        for (String bad : List.of(
                whole.replace("\n7 /tmp/s-0\n", "\n8 /tmp/s-0\n"),          // a size that is not the block's
                whole.replace("/tmp/s-2\n", "/tmp/s-1\n"),                    // a size for another step
                whole.replace("3 /tmp/s-2\n", ""),                           // a size missing
                whole.replace(ContainerScript.OUTPUTS + "\n", ContainerScript.OUTPUTS + "\n!!\n"))) {
            ContainerScript.Parsed p = ContainerScript.parse(bad, COMMANDS);
            assertThat(p.results()).as(bad).containsOnlyKeys(0, 2);
            assertThat(p.results().get(2).exitCode()).isEqualTo(3);
            assertThat(p.results().get(2).output()).as(bad).isEqualTo(ContainerScript.OUTPUT_LOST);
        }
    }

    @Test
    void aRunThatNeverStartedOrEndedEarlyIsSaidSo() {
        assertThat(ContainerScript.parse("Error: no such image\n", COMMANDS).started()).isFalse();
        ContainerScript.Parsed early = ContainerScript.parse(ContainerScript.BEGIN + "\n" + status(0, 0), COMMANDS);
        assertThat(early.started()).isTrue();
        assertThat(early.finished()).isFalse();
        assertThat(early.results()).containsOnlyKeys(0);
        assertThat(early.machine()).isNull();
        assertThat(early.results().get(0).output()).isEqualTo(ContainerScript.OUTPUT_LOST);
        ContainerScript.Parsed whole = ContainerScript.parse(ContainerScript.BEGIN + "\n" + status(0, 0)
                + status(2, 0) + block(Map.of(0, "", 2, "v\n"), 0, 2), COMMANDS);
        assertThat(whole.finished()).isTrue();
        assertThat(whole.results().get(0).output()).isEmpty();
        assertThat(whole.results().get(2).output()).isEqualTo("v\n");
        assertThat(whole.results()).containsOnlyKeys(0, 2);
    }

    /** The script itself, run by this host's /bin/sh: outputs cut at 256 KiB, bytes intact, skipped steps absent. */
    @Test
    void theScriptRunsAndItsOutputParses(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        List<List<String>> commands = List.of(List.of("printf", "x86_64\\n"),
                List.of("sh", "-c", "head -c 300000 /dev/zero | tr '\\0' 'z'; exit 4"),
                List.of("sh", "-c", "printf '\\377\\000a'; echo err >&2"),
                List.of("true"), List.of("printf", "after\\n"));
        ContainerScript.Rendered r = ContainerScript.render(tmp.resolve("out").toString(), commands,
                List.of(List.of(), List.of(0), List.of(0), List.of(1), List.of(0, 2)), false);
        List<String> cmd = new java.util.ArrayList<>(List.of("/bin/sh", "-c", r.script(), "rpm-release-steps"));
        cmd.addAll(r.args());
        io.avalanche.rpm.ProcessRunner.Result run = io.avalanche.rpm.ProcessRunner.of(cmd).errorsApart()
                .maxOutput(ContainerScript.maxStdout(commands.size())).run();
        ContainerScript.Parsed p = ContainerScript.parse(run.output(), commands);
        assertThat(p.finished()).as(run.output()).isTrue();
        assertThat(p.machine()).isEqualTo(io.avalanche.rpm.testing.Cmd.run("uname", "-m").output().strip());
        assertThat(p.results()).containsOnlyKeys(0, 1, 2, 4);
        assertThat(p.results().get(0).output()).isEqualTo("x86_64\n");
        assertThat(p.results().get(1).exitCode()).isEqualTo(4);
        assertThat(p.results().get(1).output()).hasSize(LocalTarget.MAX_OUTPUT).matches("z+");
        assertThat(p.results().get(2).output()).isEqualTo("\uFFFD\u0000aerr\n");
        assertThat(p.results().get(4).output()).isEqualTo("after\n");
        assertThat(tmp.resolve("out-1")).hasSize(300_000);   // kept whole in the container; cut on the way out
    }

    private static String status(int n, int status) {
        return ContainerScript.STEP + n + " " + status + "\n";
    }

    /** The sizes ({@code wc -c} lines, a total when more than one) and the base64 block of these steps' outputs. */
    private static String block(Map<Integer, String> outputs, int... steps) {
        StringBuilder b = new StringBuilder(ContainerScript.SIZES + "\n");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int n : steps) {
            byte[] o = outputs.get(n).getBytes(StandardCharsets.UTF_8);
            b.append(o.length).append(" /tmp/s-").append(n).append('\n');
            all.writeBytes(o);
        }
        if (steps.length > 1) {
            b.append(all.size()).append(" total\n");
        }
        String b64 = Base64.getMimeEncoder().encodeToString(all.toByteArray());
        return b + ContainerScript.OUTPUTS + "\n" + (b64.isEmpty() ? "" : b64 + "\n") + ContainerScript.END + "\n";
    }

    @Test
    void stepsMayNeedOnlyEarlierSteps() {
        Step a = new Step("a", new Step.IsExecutable("/bin/sh"));
        Step b = new Step("b", new Step.IsExecutable("/bin/sh"), "a");
        Step.checkOrder(List.of(a, b));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Step.checkOrder(List.of(b, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b' needs 'a'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Step.checkOrder(List.of(a, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("used twice");
    }

    /**
     * A gated script, run by this host's /bin/sh: it has started (its machine line is out) while its input is still
     * open, runs no step before the line "go" arrives, and none at all when its input ends or says anything else.
     */
    @Test
    void aGatedScriptRunsNoStepBeforeItsInputSaysGo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path marker = tmp.resolve("ran");
        List<List<String>> commands = List.of(List.of("touch", marker.toString()), List.of("printf", "two\\n"));
        List<List<Integer>> needs = List.of(List.of(), List.of(0));
        for (String input : new String[] {null, "", "nogo\n", "go now\n", " go\n"}) {
            java.util.concurrent.CompletableFuture<byte[]> in = java.util.concurrent.CompletableFuture.completedFuture(
                    input == null ? null : input.getBytes(StandardCharsets.UTF_8));
            io.avalanche.rpm.ProcessRunner.Result run = gated(tmp, commands, needs, in, l -> { });
            assertThat(run.output()).as(input).contains(ContainerScript.GATE_CLOSED)
                    .doesNotContain(ContainerScript.STEP);
            ContainerScript.Parsed p = ContainerScript.parse(run.output(), commands);
            assertThat(p.started()).isTrue();
            assertThat(p.results()).as(input).isEmpty();
            assertThat(marker).as(input).doesNotExist();
        }

        java.util.concurrent.CompletableFuture<byte[]> go = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<io.avalanche.rpm.ProcessRunner.Result> running =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> gated(tmp, commands, needs, go, l -> {
                    if (l.startsWith(ContainerScript.MACHINE)) {
                        waiting.countDown();
                    }
                }));
        assertThat(waiting.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the script started").isTrue();
        Thread.sleep(300);
        assertThat(running).as("waiting for its input").isNotDone();
        assertThat(marker).as("no step before go").doesNotExist();
        go.complete((ContainerScript.GO + "\n").getBytes(StandardCharsets.UTF_8));
        ContainerScript.Parsed p = ContainerScript.parse(running.get(30, java.util.concurrent.TimeUnit.SECONDS).output(),
                commands);
        assertThat(p.finished()).isTrue();
        assertThat(p.results()).containsOnlyKeys(0, 1);
        assertThat(p.results().get(1).output()).isEqualTo("two\n");
        assertThat(marker).exists();
    }

    private static io.avalanche.rpm.ProcessRunner.Result gated(java.nio.file.Path tmp, List<List<String>> commands,
            List<List<Integer>> needs, java.util.concurrent.Future<byte[]> input, java.util.function.Consumer<String> lines) {
        ContainerScript.Rendered r = ContainerScript.render(tmp.resolve("out").toString(), commands, needs, true);
        List<String> cmd = new java.util.ArrayList<>(List.of("/bin/sh", "-c", r.script(), "rpm-release-steps"));
        cmd.addAll(r.args());
        return io.avalanche.rpm.ProcessRunner.of(cmd).errorsApart().input(input).onLine(lines)
                .timeout(java.time.Duration.ofSeconds(60)).run();
    }
}
