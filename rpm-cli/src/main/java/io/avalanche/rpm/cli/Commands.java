package io.avalanche.rpm.cli;

import java.util.List;

/** The list of subcommands; each is a picocli @Command class implementing Callable<Integer>. */
final class Commands {
    private Commands() {
    }

    static List<Object> all() {
        return List.of(
                new PackageCommand(),
                new InspectCommand(),
                new BuildCommand(),
                new SignCommand(),
                new VerifyCommand(),
                new PublishCommand(),
                new ValidateCommand(),
                new ReleaseCommand(),
                new PruneCommand(),
                new YankCommand(),
                new UnyankCommand(),
                new KeygenCommand());
    }
}
