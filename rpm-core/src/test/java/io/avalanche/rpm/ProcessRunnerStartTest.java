package io.avalanche.rpm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A program started to live beside the caller: its directory, environment, input and output as the runner says. */
class ProcessRunnerStartTest {
    @TempDir
    Path tmp;

    @Test
    void aStartedProgramRunsInItsDirectoryAndEnvironmentAndReadsTheCallersInput() throws Exception {
        Process p = ProcessRunner.of("sh", "-c", "echo \"$PWD $GREETING\" >&2; read -r line; echo \"got $line\"")
                .in(tmp).env(Map.of("GREETING", "hello")).start(null);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("stderr comes with stdout").isEqualTo(tmp.toRealPath() + " hello");
            p.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            assertThat(out.readLine()).isEqualTo("got ping");
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();   // its own exit, before the finally's kill
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aLogReceivesTheWholeOutputAndReplacesWhatItHeld() throws Exception {
        Path log = tmp.resolve("holder.log");
        Files.writeString(log, "an earlier run's line\n");
        Process p = ProcessRunner.of("sh", "-c", "echo out; echo err >&2").start(log);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("out", "err");
    }

    @Test
    void aProgramThatCannotStartIsNamed() {
        assertThatThrownBy(() -> ProcessRunner.of(tmp.resolve("no-such-program").toString()).start(null))
                .isInstanceOf(RpmException.class).hasMessageContaining("cannot run " + tmp.resolve("no-such-program"))
                .hasCauseInstanceOf(java.io.IOException.class);
    }
}
