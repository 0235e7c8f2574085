package io.avalanche.rpm.validate;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the --local smoke test's sandbox ends every process in it before it returns, zombies included, even on a
 * thread that was interrupted (as SIGINT leaves the validating thread): a JVM that exits right after leaves nothing of
 * the release's programs behind. CI once saw the smoke program outlive a SIGINT-ed release (InterruptTest).
 */
class HostSandboxTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void closingOnAnInterruptedThreadLeavesNoProcessOfTheSandbox(boolean asRoot) throws Exception {
        Path installed = Files.createDirectories(tmp.resolve("root/var/opt/avalanchego"));
        HostSandbox s = HostSandbox.open(installed.getParent().getParent(), tmp.resolve("sandbox"), asRoot);
        List<ProcessHandle> inside;
        Thread runner;
        try {
            String ns = namespace(s.namespaceInit().pid()).orElseThrow();
            // a program that leaves an orphan behind (the namespace's init, a sleep, never reaps it) and waits
            runner = new Thread(() -> s.run("/bin/sh", List.of("-c", "(sleep 301 &); exec sleep 302"), Map.of(),
                    Duration.ofMinutes(5)), "smoke");
            runner.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                Thread.sleep(20);
                inside = ProcessHandle.allProcesses().filter(h -> h.pid() != s.namespaceInit().pid())
                        .filter(h -> namespace(h.pid()).map(ns::equals).orElse(false)).toList();
                assertThat(System.nanoTime()).as("both sleeps start in the sandbox").isLessThan(deadline);
            } while (inside.stream().filter(h -> h.info().command().orElse("").endsWith("/sleep")).count() < 2);
            // what ExitCleanup does on SIGINT: the validating thread is interrupted, its runner kills its program
            runner.interrupt();
            runner.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(runner.isAlive()).isFalse();
        } finally {
            Thread.currentThread().interrupt();
            try {
                s.close();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(inside).isNotEmpty().allSatisfy(h -> assertThat(h.isAlive())
                .as("process " + h.pid() + " " + h.info().commandLine().orElse("") + " of the sandbox after close")
                .isFalse());
        assertThat(io.avalanche.rpm.ProcessRunner.ended(s.namespaceInit())).as("the namespace's init").isTrue();
        assertThat(tmp.resolve("sandbox")).doesNotExist();
    }

    private static Optional<String> namespace(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();   // the process ended meanwhile, or its namespaces are not ours to read
        }
    }
}
