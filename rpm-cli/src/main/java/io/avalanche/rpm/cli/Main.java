package io.avalanche.rpm.cli;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Entry point of the rpm-release command line: parses arguments, maps errors to exit codes. */
public final class Main {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int CHECK_FAILED = 3;
    /**
     * picocli's built-in converters no option uses (CommandsTest checks): registering them loads and initializes
     * java.time's and java.sql's classes through reflection at every start, ~30 ms of each command's start-up.
     */
    static final String UNUSED_CONVERTERS = "java\\.sql\\..*,java\\.time\\..*";

    private static final String STACKTRACE = "--stacktrace";

    /** The root command's model (CommandModel: declared without annotations, for every command's start-up). */
    static CommandSpec spec() {
        CommandSpec s = CommandModel.command(new Main(), "rpm-release",
                new String[] {"Build, sign, publish and validate RPM packages of avalanchego and subnet-evm."},
                new String[] {"", "Exit codes: 0 ok, 1 failure, 2 usage, 3 a verification or validation check",
                    "failed."});
        s.version("rpm-release 0.1.0");
        s.addOption(CommandModel.flag("Print stack traces of errors.", STACKTRACE)
                .scopeType(CommandLine.ScopeType.INHERIT).build());
        return s;
    }

    public static void main(String[] args) {
        io.avalanche.rpm.Profile.mark("main");
        int rc = run(System.out, System.err, args);
        io.avalanche.rpm.Profile.mark("done");
        io.avalanche.rpm.Profile.print(System.err);
        System.exit(rc);
    }

    /** Runs one command line; output and errors go to the given streams; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        picocliSettings();   // before any model is made
        return run(out, err, subcommandsFor(args), args);
    }

    private static void picocliSettings() {
        // picocli otherwise probes for Groovy's Closure class: a miss on the class path, which opens every jar
        // of the CLI (~60) at each start
        System.setProperty("picocli.disable.closures", "true");
        System.setProperty("picocli.converters.excludes", UNUSED_CONVERTERS);
    }

    /** As {@link #run(PrintStream, PrintStream, String...)} with the given subcommand objects (tests inject some). */
    static int run(PrintStream out, PrintStream err, java.util.List<Object> commands, String... args) {
        picocliSettings();
        CommandLine cl = new CommandLine(spec());
        for (Object sub : commands) {
            cl.addSubcommand(Commands.model(sub));
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (Commands.hasHelpText(sub.getCommandName())) {
                sub.setResourceBundle(HelpText.of(sub.getCommandName()));
            }
        }
        if (commands.size() != 1) {   // no single command named: help, usage errors and the command list
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        // the platform charset, as PrintWriter(OutputStream) uses on Java 17, now stated
        cl.setOut(new PrintWriter(out, true, Charset.defaultCharset()));
        cl.setErr(new PrintWriter(err, true, Charset.defaultCharset()));
        Handlers h = new Handlers(cl);
        cl.setExitCodeExceptionMapper(h);
        cl.setParameterExceptionHandler(h);
        cl.setExecutionExceptionHandler(h);
        int rc;
        try {
            rc = cl.execute(args);
        } catch (RuntimeException | Error ex) {
            // picocli passes Errors (OutOfMemoryError, StackOverflowError, ...) through: still one line
            rc = report(cl.getErr(), ex, h.stacktrace() || Arrays.asList(args).contains(STACKTRACE));
        }
        out.flush();
        err.flush();
        return rc;
    }

    /**
     * Error handling and exit codes for picocli, as one named class rather than lambdas: picocli's interfaces are
     * Java 5 class files, for which lambdas are spun at every start instead of coming from the CDS archive.
     */
    private static final class Handlers implements CommandLine.IParameterExceptionHandler,
            CommandLine.IExecutionExceptionHandler, CommandLine.IExitCodeExceptionMapper {
        private final CommandLine cl;

        Handlers(CommandLine cl) {
            this.cl = cl;
        }

        /** Whether --stacktrace was given, before or after the subcommand (the option is inherited). */
        boolean stacktrace() {
            return CommandModel.isSet(cl.getCommandSpec().findOption(STACKTRACE));
        }

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine c = ex.getCommandLine();
            String cmd = c == null ? "rpm-release" : c.getCommandSpec().qualifiedName();
            PrintWriter e = cl.getErr();
            e.println("error: " + Output.escape(ex.getMessage()) + " (see " + cmd + " --help)");
            if (stacktrace()) {
                ex.printStackTrace(e);
            }
            e.flush();
            return USAGE;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine line, CommandLine.ParseResult parsed) {
            return report(line.getErr(), ex, stacktrace());
        }

        @Override
        public int getExitCode(Throwable ex) {
            return exitCodeOf(ex);
        }
    }

    /** Prints one "error: ..." line (the stack trace only with --stacktrace) and returns the exit code. */
    private static int report(PrintWriter e, Throwable ex, boolean stacktrace) {
        e.println("error: " + Output.escape(message(ex)));
        if (stacktrace) {
            ex.printStackTrace(e);
        }
        e.flush();
        return exitCodeOf(ex);
    }

    /**
     * Only the invoked subcommand when the first word names one (picocli builds each command's model by
     * reflection: ~15 ms apiece at start-up); all of them otherwise, for help and error messages.
     */
    static java.util.List<Object> subcommandsFor(String... args) {
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            Object sub = Commands.named(a);
            if (sub != null) {
                return java.util.List.of(sub);
            }
            break;
        }
        return Commands.all();
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof SpecException || ex instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (ex instanceof io.avalanche.rpm.publish.PublishCheckException) {
            return CHECK_FAILED;   // a package or key check refused the publish (release, publish): nothing uploaded
        }
        return FAILURE;
    }

    private static String message(Throwable ex) {
        if (ex instanceof OutOfMemoryError) {
            return "out of memory (Java heap of " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): "
                    + ex.getMessage() + "; give the JVM more memory (RPM_RELEASE_JAVA_OPTS=-Xmx2g for ./rpm-release)"
                    + " or lower the compression level";
        }
        if (ex instanceof RpmException || ex instanceof UncheckedIOException) {
            String m = ex.getMessage();
            // an I/O call stopped by the JVM's exit (SIGINT, SIGTERM) has no message of its own
            return m != null && m.endsWith(": null") && interrupted(ex) ? m.substring(0, m.length() - 4) + "interrupted"
                    : m;
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    private static boolean interrupted(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return false;
    }
}
