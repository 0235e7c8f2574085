package io.avalanche.rpm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external tool (argument list, no shell) for tests and captures its output. */
public final class Cmd {
    private Cmd() {
    }

    /** Result of one run: exit code and combined stdout+stderr. */
    public record Result(int exitCode, String output) {
        public Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("command failed with exit " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    public static Result run(List<String> args) {
        return run(args, null, Map.of());
    }

    public static Result run(String... args) {
        return run(List.of(args));
    }

    /** Runs with an optional working directory and extra environment; fails loudly if the tool is missing. */
    public static Result run(List<String> args, Path dir, Map<String, String> env) {
        requireTool(args.get(0));
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(args)).redirectErrorStream(true);
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
                throw new AssertionError("timed out: " + args);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + args + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + args, e);
        }
    }

    /** Fails the test (never skips it) when a tool the test needs is not installed. */
    public static void requireTool(String tool) {
        if (tool.contains("/")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new AssertionError("required tool " + tool + " is missing: run the README test command, "
                        + "which installs it");
            }
            return;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new AssertionError("required tool '" + tool + "' is not installed: run the README test command, "
                + "which installs it (apt-get install rpm rpmlint rpm2cpio cpio gnupg ...)");
    }
}
