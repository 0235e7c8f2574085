package io.avalanche.rpm.cli;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.io.UncheckedIOException;

/** Entry point of the rpm-release command line: parses arguments, maps errors to exit codes. */
@Command(name = "rpm-release", mixinStandardHelpOptions = true, version = "rpm-release 0.1.0",
        description = "Build, sign, publish and validate RPM packages of avalanchego and subnet-evm.",
        subcommands = {CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage, 3 a verification or validation check failed."})
public final class Main {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int CHECK_FAILED = 3;

    @Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean stacktrace;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line; output and errors go to the given streams; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(out, err, subcommandsFor(args), args);
    }

    /** As {@link #run(PrintStream, PrintStream, String...)} with the given subcommand objects (tests inject some). */
    static int run(PrintStream out, PrintStream err, java.util.List<Object> commands, String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        for (Object sub : commands) {
            cl.addSubcommand(sub);
        }
        // the platform charset, as PrintWriter(OutputStream) uses on Java 17, now stated
        cl.setOut(new PrintWriter(out, true, Charset.defaultCharset()));
        cl.setErr(new PrintWriter(err, true, Charset.defaultCharset()));
        cl.setExitCodeExceptionMapper(Main::exitCodeOf);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter e = line.getErr();
            e.println("error: " + message(ex));
            if (main.stacktrace) {
                ex.printStackTrace(e);
            }
            e.flush();
            return exitCodeOf(ex);
        });
        int rc = cl.execute(args);
        out.flush();
        err.flush();
        return rc;
    }

    /**
     * Only the invoked subcommand when the first word names one (picocli builds each command's model by
     * reflection: ~15 ms apiece at start-up); all of them otherwise, for help and error messages.
     */
    static java.util.List<Object> subcommandsFor(String... args) {
        java.util.List<Object> all = Commands.all();
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            for (Object sub : all) {
                if (sub.getClass().getAnnotation(Command.class).name().equals(a)) {
                    return java.util.List.of(sub);
                }
            }
            break;
        }
        return all;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof SpecException || ex instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return FAILURE;
    }

    private static String message(Throwable ex) {
        if (ex instanceof RpmException || ex instanceof UncheckedIOException) {
            return ex.getMessage();
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }
}
