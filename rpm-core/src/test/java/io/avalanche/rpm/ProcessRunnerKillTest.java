package io.avalanche.rpm;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run interrupted while its program works (what SIGINT does to a release's threads) returns only once the program
 * and every process it started have ended, so a JVM that exits right after leaves none of them running; a zombie
 * counts as ended, which ProcessHandle.isAlive does not say.
 */
class ProcessRunnerKillTest {
    @Test
    void anInterruptedRunReturnsOnceTheProgramAndItsChildrenHaveEnded() throws Exception {
        RpmException[] thrown = new RpmException[1];
        // a child holding 512 MiB it wrote: the kernel takes a while to free them after SIGKILL, so a run that
        // returned right after sending it would find the child still there
        Thread runner = new Thread(() -> {
            try {
                ProcessRunner.of(List.of("sh", "-c", "perl -e '$x = q(x) x (512 * 1024 * 1024); sleep 303' &"
                        + " sleep 304; wait")).run();
            } catch (RpmException e) {
                thrown[0] = e;
            }
        }, "runner");
        runner.start();
        ProcessHandle perl;
        ProcessHandle sleep;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Thread.sleep(10);
            List<ProcessHandle> all = ProcessHandle.current().descendants().toList();
            perl = all.stream().filter(h -> h.info().command().orElse("").endsWith("/perl")).findFirst().orElse(null);
            sleep = all.stream().filter(h -> h.info().commandLine().orElse("").endsWith("sleep 304")).findFirst()
                    .orElse(null);
            if (perl != null && sleep != null && residentKiB(perl) > 400 * 1024) {
                break;
            }
            assertThat(System.nanoTime()).as("perl holds its memory and sleep runs").isLessThan(deadline);
        }
        ProcessHandle shell = sleep.parent().orElseThrow();
        runner.interrupt();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(runner.isAlive()).isFalse();
        assertThat(thrown[0]).isNotNull().hasMessageContaining("interrupted while running sh");
        for (ProcessHandle h : List.of(perl, sleep, shell)) {
            assertThat(ProcessRunner.ended(h)).as(h.pid() + " " + h.info().commandLine().orElse("")).isTrue();
        }
    }

    private static long residentKiB(ProcessHandle h) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + h.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0L);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    void aZombieHasEndedThoughJavaCallsItAlive() throws Exception {
        // perl forks a child it never reaps; SIGCHLD back to its default, because a parent that inherits it ignored
        // (as CI may) has its dead children reaped by the kernel at once, and no zombie would exist
        Process p = ProcessRunner.of("perl", "-e", "$SIG{CHLD} = 'DEFAULT'; $| = 1; my $pid = fork;"
                + " if (!$pid) { sleep 305; exit 0 } print \"$pid\\n\"; sleep 306").start(null);
        try {
            long pid = Long.parseLong(new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).readLine().trim());
            ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
            assertThat(ProcessRunner.ended(child)).as("running").isFalse();
            child.destroyForcibly();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ProcessRunner.ended(child) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(child.isAlive()).as("Java's view of a zombie").isTrue();
            assertThat(ProcessRunner.ended(child)).isTrue();
            assertThat(ProcessRunner.ended(p.toHandle())).as("its parent runs").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }
}
