package io.avalanche.rpm.release;

import io.avalanche.rpm.ExitCleanup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a command given as an argument list (never a shell string), streaming its output lines; a JVM that stops while
 * it runs ends it ({@link ExitCleanup}).
 */
public final class ProcessRunner {
    private ProcessRunner() {
    }

    /** Exit code and the last lines of combined output. */
    public record Result(int exitCode, List<String> tail, String output) {
    }

    /** Runs and waits; output lines go to {@code sink} as they come; the whole output is also kept (bounded). */
    public static Result run(List<String> command, Path dir, Map<String, String> env, Consumer<String> sink) {
        if (ExitCleanup.stopping()) {
            throw new BuildException("interrupted: not starting " + command.get(0));
        }
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new BuildException("cannot start " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed and on PATH?)", e);
        }
        Deque<String> tail = new ArrayDeque<>();
        StringBuilder all = new StringBuilder();
        try (ExitCleanup.Registration running = ExitCleanup.process(p);
             BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            p.getOutputStream().close();
            for (String line; (line = r.readLine()) != null; ) {
                sink.accept(line);
                tail.addLast(line);
                if (tail.size() > 20) {
                    tail.removeFirst();
                }
                if (all.length() < 1 << 20) {
                    all.append(line).append('\n');
                }
            }
            return new Result(p.waitFor(), List.copyOf(tail), all.toString());
        } catch (IOException e) {
            p.destroyForcibly();
            throw new BuildException("reading output of " + command.get(0) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while running " + command.get(0), e);
        }
    }

    /** Runs and throws BuildException with the output tail unless the exit code is 0; returns the output. */
    public static String check(List<String> command, Path dir, Map<String, String> env, Consumer<String> sink) {
        Result r = run(command, dir, env, sink);
        if (r.exitCode() != 0) {
            throw new BuildException(String.join(" ", command) + " failed with exit code " + r.exitCode()
                    + (r.tail().isEmpty() ? "" : ":\n  " + String.join("\n  ", r.tail())));
        }
        return r.output();
    }
}
