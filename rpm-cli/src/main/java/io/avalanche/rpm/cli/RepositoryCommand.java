package io.avalanche.rpm.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * The base of the commands that change a published repository (publish, prune, yank, unyank): its destination, the
 * key that signs the rewritten metadata, --dry-run and --json. publish words --to, --layout, --dry-run and --json
 * its own way in help/publish.properties.
 */
abstract class RepositoryCommand extends CliCommand {
    @Mixin
    DestinationOptions destination = new DestinationOptions();

    @Mixin
    RepoKeyOptions keys = new RepoKeyOptions();

    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the plan and result as JSON on stdout.")
    boolean json;

    RepositoryCommand() {
    }

    /** With an explicit environment (AWS settings, passphrase variables) instead of the process's. */
    RepositoryCommand(Map<String, String> environment) {
        super(environment);
    }
}
