package io.avalanche.rpm.sign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread to = pump(p.getInputStream(), out);
            Thread te = pump(p.getErrorStream(), err);
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            to.join();
            te.join();
            return new Result(cmd, p.exitValue(), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd.get(0) + " (is it installed? apt-get install -y rpm gnupg): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.start();
        return t;
    }
}
