package io.avalanche.rpm.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Commands and options declared through picocli's model API instead of its annotations (the root command, package,
 * verify and the key options): reading annotations makes the JDK define a proxy class per annotation type at every
 * start, which no CDS archive of JDK 17 holds (~25 ms of a command's start-up; docs/performance.md).
 */
final class CommandModel {
    private CommandModel() {
    }

    /** A command with the standard -h/--help and -V/--version options, as @Command(mixinStandardHelpOptions) has. */
    static CommandSpec command(Object userObject, String name, String[] description, String[] footer) {
        CommandSpec s = commandWithHelp(userObject, name, description, footer);
        s.addOption(flag("Print version information and exit.", "-V", "--version").versionHelp(true)
                .descriptionKey("mixinStandardHelpOptions.version").build());
        return s;
    }

    /** A command with -h/--help only (one whose --version is an option of its own). */
    static CommandSpec commandWithHelp(Object userObject, String name, String[] description, String[] footer) {
        CommandSpec s = CommandSpec.wrapWithoutInspection(userObject).name(name);
        s.usageMessage().description(description).footer(footer);
        s.addOption(flag("Show this help message and exit.", "-h", "--help").usageHelp(true)
                .descriptionKey("mixinStandardHelpOptions.help").build());
        return s;
    }

    /** An option taking one value of {@code type}, shown as {@code label} in help. */
    static OptionSpec.Builder option(Class<?> type, String label, String description, String... names) {
        return OptionSpec.builder(names).type(type).paramLabel(label).description(description);
    }

    /** A repeatable option, each occurrence one String shown as {@code label}; {@link #values} reads them. */
    static OptionSpec.Builder repeatable(String label, String description, String... names) {
        return OptionSpec.builder(names).type(java.util.List.class).auxiliaryTypes(String.class).paramLabel(label)
                .description(description);
    }

    /** Adds the option to the command and returns it, to read its value once the command line is parsed. */
    static OptionSpec add(CommandSpec command, OptionSpec.Builder option) {
        OptionSpec o = option.build();
        command.addOption(o);
        return o;
    }

    /** The values a repeatable option was given, in order; none: empty. */
    static java.util.List<String> values(ArgSpec repeatable) {
        java.util.List<String> v = repeatable.getValue();
        return v == null ? java.util.List.of() : v;
    }

    /** An option that takes no value. */
    static OptionSpec.Builder flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).arity("0").description(description);
    }

    /** The command's package files (RPM...: one or more), read back with {@code getValue()} as a List of Path. */
    static PositionalParamSpec packages(String description) {
        return PositionalParamSpec.builder().arity("1..*").required(true).paramLabel("RPM").type(java.util.List.class)
                .auxiliaryTypes(java.nio.file.Path.class).description(description).build();
    }

    /** Whether the flag was given. */
    static boolean isSet(ArgSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }
}
