package io.avalanche.rpm.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Commands declared through picocli's model API instead of its annotations, for the root command and verify: reading
 * annotations makes the JDK define a proxy class per annotation type at every start, which no CDS archive of JDK 17
 * holds (~25 ms of verify's start-up; docs/performance.md).
 */
final class CommandModel {
    private CommandModel() {
    }

    /** A command with the standard -h/--help and -V/--version options, as @Command(mixinStandardHelpOptions) has. */
    static CommandSpec command(Object userObject, String name, String[] description, String[] footer) {
        CommandSpec s = CommandSpec.wrapWithoutInspection(userObject).name(name);
        s.usageMessage().description(description).footer(footer);
        s.addOption(flag("Show this help message and exit.", "-h", "--help").usageHelp(true)
                .descriptionKey("mixinStandardHelpOptions.help").build());
        s.addOption(flag("Print version information and exit.", "-V", "--version").versionHelp(true)
                .descriptionKey("mixinStandardHelpOptions.version").build());
        return s;
    }

    /** An option that takes no value. */
    static OptionSpec.Builder flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).arity("0").description(description);
    }

    /** Whether the flag was given. */
    static boolean isSet(ArgSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }
}
