package io.avalanche.rpm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The list of subcommands, each a {@link CliCommand}: a picocli @Command class, or one declared through picocli's model
 * API ({@link CommandModel}: package, sign, verify). {@link #model} gives picocli either.
 */
final class Commands {
    /** Each its command's name (CommandsTest checks), in the order help lists them. */
    private static final List<String> NAMES = List.of("package", "inspect", "build", "sign", "verify", "publish",
            "validate", "release", "prune", "yank", "unyank", "keygen");

    /**
     * The commands whose description and footer are in help/NAME.properties (picocli's usage keys). package, sign and
     * verify (declared in CommandModel), inspect, tuned for start-up, and validate, whose text names a core constant,
     * keep theirs with their declaration.
     */
    private static final Set<String> HELP_TEXTS = Set.of("build", "publish", "release", "prune", "yank", "unyank",
            "keygen");

    private Commands() {
    }

    static List<Object> all() {
        List<Object> all = new ArrayList<>();
        for (String n : NAMES) {
            all.add(named(n));
        }
        return all;
    }

    /** The subcommand called {@code name}, or null; made without loading (or reading the annotations of) the others. */
    static Object named(String name) {
        return switch (name) {
            case "package" -> new PackageCommand();
            case "inspect" -> new InspectCommand();
            case "build" -> new BuildCommand();
            case "sign" -> new SignCommand();
            case "verify" -> new VerifyCommand();
            case "publish" -> new PublishCommand();
            case "validate" -> new ValidateCommand();
            case "release" -> new ReleaseCommand();
            case "prune" -> new PruneCommand();
            case "yank" -> new YankCommand();
            case "unyank" -> new UnyankCommand();
            case "keygen" -> new KeygenCommand();
            default -> null;
        };
    }

    /** The picocli model of a subcommand object: a CliCommand's ({@link CliCommand#model}); others as they are. */
    static Object model(Object command) {
        return command instanceof CliCommand c ? c.model() : command;
    }

    /** Whether command {@code name}'s usage text is in help/NAME.properties ({@link HelpText}), not in its @Command. */
    static boolean hasHelpText(String name) {
        return HELP_TEXTS.contains(name);
    }
}
