package io.avalanche.rpm.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs Main.run in-process and captures stdout and stderr, for CLI tests. */
public final class CliRunner {
    private CliRunner() {
    }

    /** Exit code plus captured streams. */
    public record Run(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public static Run run(String... args) {
        return runWith(Commands.all(), args);
    }

    /** Runs with one injected subcommand object (e.g. a command built with a test environment). */
    public static Run runWith(Object command, String... args) {
        return runWith(List.of(command), args);
    }

    private static Run runWith(List<Object> commands, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), commands, args);
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
