package io.avalanche.rpm.validate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one external command (an argument list, never a shell string) and captures its output. */
public final class Exec {
    private static final int MAX_OUTPUT = 256 * 1024;

    /** Exit status (-1 on timeout) and combined stdout+stderr (truncated to 256 KiB). */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** "cmd ...: exit N" plus the output's last lines, for messages. */
        public String describe() {
            return String.join(" ", command) + ": exit " + exitCode;
        }
    }

    private Exec() {
    }

    /** Runs cmd with extra environment variables; throws ValidationException when it cannot start. */
    public static Result run(List<String> cmd, Map<String, String> env, Duration timeout) {
        if (io.avalanche.rpm.ExitCleanup.stopping()) {
            throw new ValidationException("interrupted: not starting " + cmd.get(0));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ValidationException("cannot run " + cmd.get(0) + ": " + e.getMessage()
                    + " (install it or put it on PATH)", e);
        }
        try (io.avalanche.rpm.ExitCleanup.Registration running = io.avalanche.rpm.ExitCleanup.process(p)) {
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copyBounded(p.getInputStream(), out), "exec-output");
            reader.setDaemon(true);
            reader.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(10_000);
            String text;
            synchronized (out) {
                text = out.toString(StandardCharsets.UTF_8);
            }
            if (!done) {
                text += "\n(timed out after " + timeout.toSeconds() + " s)";
            }
            return new Result(List.copyOf(cmd), done ? p.exitValue() : -1, text);
        } catch (IOException e) {
            throw new ValidationException("cannot talk to " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ValidationException("interrupted while running " + cmd.get(0), e);
        }
    }

    private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    int keep = Math.min(n, MAX_OUTPUT - out.size());
                    if (keep > 0) {
                        out.write(buf, 0, keep);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended or was killed; what was read is kept
        }
    }
}
