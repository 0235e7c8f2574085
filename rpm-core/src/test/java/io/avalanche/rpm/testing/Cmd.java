package io.avalanche.rpm.testing;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.RpmException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs an external tool (argument list, no shell) for tests and captures its output. */
public final class Cmd {
    /** Output a test keeps of one program (the runner keeps its first this many bytes and its last 64 KiB). */
    private static final int MAX_OUTPUT = 64 << 20;

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
        ProcessRunner.Result r = exec(args, dir, env, null, false, Duration.ofMinutes(10));
        return new Result(r.exitCode(), r.output());
    }

    /**
     * The one way the tests run a program: rpm-core's {@link ProcessRunner} (argument list, working directory, extra
     * environment, standard input, stderr apart or not), with a program that cannot start or a timeout failing the
     * test instead of returning.
     */
    public static ProcessRunner.Result exec(List<String> args, Path dir, Map<String, String> env, byte[] stdin,
                                            boolean errorsApart, Duration timeout) {
        ProcessRunner runner = ProcessRunner.of(args).in(dir).env(env).timeout(timeout).maxOutput(MAX_OUTPUT);
        if (stdin != null) {
            runner.input(stdin);
        }
        if (errorsApart) {
            runner.errorsApart();
        }
        ProcessRunner.Result r;
        try {
            r = runner.run();
        } catch (RpmException e) {
            throw new AssertionError("cannot run " + args.get(0) + " (is it installed? the README test command "
                    + "installs what the tests need): " + e.getMessage(), e);
        }
        if (r.exitCode() == -1) {   // only a timeout: an exit status is 0-255
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + args + "\n" + r.output()
                    + r.errors());
        }
        return r;
    }

    /**
     * Starts a program that lives beside the test (a lock holder, a victim process, a run to interrupt) through
     * {@link ProcessRunner#start}: output to {@code log} (null: read it from the process); the test ends it.
     */
    public static Process start(List<String> args, Map<String, String> env, Path log) {
        requireTool(args.get(0));
        try {
            return ProcessRunner.of(args).env(env).start(log);
        } catch (RpmException e) {
            throw new AssertionError("cannot start " + args.get(0) + ": " + e.getMessage(), e);
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
