package io.avalanche.rpm;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Input that arrives later: the program runs meanwhile, and a run's timeout covers the wait for it. */
class ProcessRunnerInputTest {
    @Test
    void laterInputReachesTheRunningProgram() {
        CompletableFuture<byte[]> later = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            sleep(300);
            later.complete("late\n".getBytes(StandardCharsets.US_ASCII));
        });
        ProcessRunner.Result r = ProcessRunner.of("sh", "-c", "echo started; cat").input(later)
                .timeout(Duration.ofSeconds(30)).run();
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).isEqualTo("started\nlate\n");
    }

    @Test
    void aFailedOrEmptyInputClosesTheProgramsInput() {
        CompletableFuture<byte[]> failed = CompletableFuture.failedFuture(new IllegalStateException("no"));
        assertThat(ProcessRunner.of("cat").input(failed).timeout(Duration.ofSeconds(30)).run().output()).isEmpty();
        CompletableFuture<byte[]> none = CompletableFuture.completedFuture(null);
        assertThat(ProcessRunner.of("cat").input(none).timeout(Duration.ofSeconds(30)).run().exitCode()).isZero();
    }

    @Test
    void theTimeoutCoversTheWaitForInput() {
        long t0 = System.nanoTime();
        ProcessRunner.Result r = ProcessRunner.of("cat").input(new CompletableFuture<>())
                .timeout(Duration.ofSeconds(4)).run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output()).contains("timed out after 4 s");
        assertThat(ms).as("one timeout in all, not one for the input and one for the program").isLessThan(7_000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
