package io.avalanche.rpm.it;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGINT sent to a real ./rpm-release release (the Java process alone, as `kill -INT` does; a terminal's Ctrl-C also
 * reaches the children) mid-build and mid-validation: it exits 130 and leaves no staging directory in --out, no scratch
 * directory in the temporary directory and no process of its own running. Issue 21, point 15.
 */
class InterruptTest {
    static final Path ROOT = MainJobTest.ROOT;

    @TempDir
    Path tmp;

    /** The sample tree in a git repository, tagged, with {@code edit} applied to it before the commit. */
    private Path tree(String file, String from, String to) throws IOException {
        Path src = TestPackages.copySample(tmp.resolve("src"));
        Path f = src.resolve(file);
        String text = Files.readString(f);
        assertThat(text).contains(from);
        Files.writeString(f, text.replace(from, to));
        TestPackages.commitAll(src);
        TestPackages.tag(src, "v1.14.1");
        return src;
    }

    private Process release(Path src, Path javaTmp) throws IOException {
        // SIGINT back to its default first: a test run started as a background job of a non-interactive shell
        // inherits it ignored, and a JVM keeps an ignored SIGINT ignored (perl-base is on every Debian machine)
        List<String> cmd = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!",
                ROOT.resolve("rpm-release").toString(), "release", "--tag",
                "v1.14.1", "--source", src.toString(), "--out", tmp.resolve("out").toString(), "--ephemeral",
                "--local", "--compression", "zstd:1"));
        return Cmd.start(cmd, Map.of("RPM_RELEASE_JAVA_OPTS", "-Djava.io.tmpdir=" + javaTmp, "TMPDIR",
                javaTmp.toString()), tmp.resolve("release.log"));
    }

    private static void await(String what, BooleanSupplier condition, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!condition.getAsBoolean()) {
            assertThat(p.isAlive()).as(what + "; the release ended first:\n" + Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("waited 240 s for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends SIGINT to the Java process; it must end within 30 s with 130 and leave nothing behind. */
    private void interruptAndCheck(Process p, Path javaTmp, List<Long> children) throws Exception {
        Cmd.run("kill", "-INT", Long.toString(p.pid())).ok();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the release stops after SIGINT").isTrue();
        String log = Files.readString(tmp.resolve("release.log"));
        assertThat(p.exitValue()).as(log).isEqualTo(130);
        assertThat(names(tmp.resolve("out"))).as("--out after SIGINT\n" + log)
                .noneMatch(n -> n.startsWith(".rpm-release"));
        assertThat(names(javaTmp)).as("the temporary directory after SIGINT\n" + log).isEmpty();
        for (long pid : children) {
            // ended: gone, or a zombie that whoever inherited it has yet to reap (it runs no more)
            assertThat(ProcessHandle.of(pid).map(h -> !io.avalanche.rpm.ProcessRunner.ended(h)).orElse(false))
                    .as("process " + pid + " of the release after SIGINT").isFalse();
        }
    }

    @Test
    void sigintDuringTheBuildLeavesNoStagingDirectoryAndNoBuildProcess() throws Exception {
        Path marker = tmp.resolve("building");
        // the build writes its output, says so with its shell's pid, then takes its time
        Path src = tree("scripts/build.sh", "\"${CC:-gcc}\" -O2", "echo $$ > '" + marker + ".tmp' && mv '" + marker
                + ".tmp' '" + marker + "'\nsleep 300\n\"${CC:-gcc}\" -O2");
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Process p = release(src, javaTmp);
        try {
            await("the build to start", () -> Files.exists(marker), p, tmp.resolve("release.log"));
            assertThat(names(tmp.resolve("out"))).as("a staging directory while the build runs")
                    .anyMatch(n -> n.startsWith(".rpm-release-staging-"));
            long shell = Long.parseLong(Files.readString(marker).trim());
            interruptAndCheck(p, javaTmp, List.of(shell));
            assertThat(tmp.resolve("out")).as("--out did not exist before this run").doesNotExist();
            // the build ended by the JVM's exit is said as an interrupt, not as a failed build
            assertThat(Files.readString(tmp.resolve("release.log"))).doesNotContain("failed with exit code");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigintDuringValidationLeavesNoScratchDirectoryAndNoSmokeProcess() throws Exception {
        // the packaged avalanchego takes its time to answer --version: the smoke test is under way when SIGINT comes
        Path src = tree("main/avalanchego.c", "int main(int argc, char **argv) {",
                "#include <unistd.h>\nint main(int argc, char **argv) {\n    if (argc > 1) sleep(300);");
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Process p = release(src, javaTmp);
        try {
            List<Long> smoke = new ArrayList<>();
            await("the smoke test to start", () -> {
                smoke.clear();
                smoke.addAll(smokeProcesses(p));
                return !smoke.isEmpty();
            }, p, tmp.resolve("release.log"));
            assertThat(names(javaTmp)).as("a scratch directory while validating")
                    .anyMatch(n -> n.startsWith("rpm-release-validate-"));
            interruptAndCheck(p, javaTmp, smoke);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The release's descendants that run a packaged avalanchego with an argument (the smoke test). */
    private static List<Long> smokeProcesses(Process release) {
        return release.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/avalanchego")).orElse(false)
                && h.info().arguments().map(a -> a.length > 0).orElse(false)).map(ProcessHandle::pid).toList();
    }
}
