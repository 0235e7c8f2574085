package io.avalanche.rpm.publish;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.testing.Cmd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs real tools for tests; a missing tool or a non-zero exit fails loudly with the output. */
public final class Tools {
    private Tools() {
    }

    public record Run(int exit, String out) {
    }

    public static String run(List<String> cmd, Map<String, String> env, Path dir) {
        Run r = exec(cmd, env, dir, null);
        if (r.exit != 0) {
            throw new AssertionError("command failed (" + r.exit + "): " + String.join(" ", cmd) + "\n" + r.out);
        }
        return r.out;
    }

    public static Run exec(List<String> cmd, Map<String, String> env, Path dir, byte[] stdin) {
        ProcessRunner.Result r = Cmd.exec(cmd, dir, env, stdin, false, Duration.ofMinutes(10));
        return new Run(r.exitCode(), r.output());
    }
}
