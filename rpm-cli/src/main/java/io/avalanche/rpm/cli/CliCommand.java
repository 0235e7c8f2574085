package io.avalanche.rpm.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The base of every subcommand: its picocli spec, what it reads from the process, and how it prints its result. */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;
    private final InputStream stdin;

    /** The process's environment and standard input. */
    CliCommand() {
        this.environment = System.getenv();
        this.stdin = System.in;
    }

    CliCommand(Map<String, String> environment) {
        this(environment, System.in);
    }

    CliCommand(Map<String, String> environment, InputStream stdin) {
        this.environment = Map.copyOf(environment);
        this.stdin = stdin;
    }

    /**
     * The command's picocli model: its annotations as picocli reads them plus what {@link #declare} adds. Commands
     * declared without annotations (CommandModel) return their own.
     */
    CommandSpec model() {
        CommandSpec s = CommandSpec.forAnnotatedObject(this);
        declare(s);
        return s;
    }

    /** Adds the options declared through the model API (the key options) to this command's model. None by default. */
    void declare(CommandSpec s) {
    }

    /** Environment variables (AWS settings, passphrase and PIN variables, SOURCE_DATE_EPOCH); tests pass their own. */
    Map<String, String> environment() {
        return environment;
    }

    /** Standard input, for --passphrase-stdin and --pin-stdin; tests pass their own. */
    InputStream stdin() {
        return stdin;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Progress and log lines on stderr, escaped. */
    Consumer<String> log() {
        PrintWriter err = err();
        return line -> {
            Output.line(err, line);
            err.flush();
        };
    }

    /**
     * The command's result on stdout: with --json ({@code json}) the text {@code asJson} renders, else the lines of
     * {@code text}, escaped; returns the exit code {@code rc}.
     */
    final int print(boolean json, Supplier<String> asJson, Supplier<List<String>> text, int rc) {
        Output.result(out(), json, asJson, text);
        return rc;
    }

    /** The result of a command without --json: {@code text}, escaped; returns the exit code {@code rc}. */
    final int print(List<String> text, int rc) {
        return print(false, null, () -> text, rc);
    }
}
