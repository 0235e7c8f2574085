package io.avalanche.rpm.validate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd.get(0) + " (install it with apt-get): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        }
    }
}
