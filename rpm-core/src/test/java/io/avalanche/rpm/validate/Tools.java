package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.testing.Cmd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs external tools for tests; a missing tool or a non-zero exit fails the test loudly. */
public final class Tools {
    private Tools() {
    }

    /** Result of a finished command. */
    public record Run(int exitCode, String output) {
    }

    /** Runs and requires exit status 0; returns stdout+stderr. */
    public static String ok(Path dir, Map<String, String> env, List<String> cmd) {
        Run r = run(dir, env, cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError("command failed (" + r.exitCode() + "): " + cmd + "\n" + r.output());
        }
        return r.output();
    }

    public static String ok(Path dir, String... cmd) {
        return ok(dir, Map.of(), List.of(cmd));
    }

    /** Runs and returns exit status and output (stdout+stderr). */
    public static Run run(Path dir, Map<String, String> env, List<String> cmd) {
        ProcessRunner.Result r = Cmd.exec(cmd, dir, env, null, false, Duration.ofMinutes(10));
        return new Run(r.exitCode(), r.output());
    }
}
