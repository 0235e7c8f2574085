package io.avalanche.rpm.sign;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.testing.Cmd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Test helper: runs an external tool as an argument list; a missing tool fails the test loudly. */
public final class Proc {
    /** Exit status and captured output of one command. */
    public record Result(List<String> command, int exit, String out, String err) {
        public String all() {
            return out + err;
        }

        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("command failed (" + exit + "): " + command + "\n" + out + err);
            }
            return this;
        }
    }

    private Proc() {
    }

    public static Result run(List<String> cmd) {
        return run(cmd, null, Map.of(), null);
    }

    public static Result run(List<String> cmd, Path dir, Map<String, String> env, byte[] stdin) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("LC_ALL", "C");
        ProcessRunner.Result r = Cmd.exec(cmd, dir, e, stdin, true, Duration.ofSeconds(300));
        return new Result(cmd, r.exitCode(), r.output(), r.errors());
    }
}
