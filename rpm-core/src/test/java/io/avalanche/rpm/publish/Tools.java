package io.avalanche.rpm.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", cmd));
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd.get(0) + " (is it installed? apt-get install it): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
