package io.avalanche.rpm.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;

/**
 * The base of the commands that change a published repository (publish, prune, yank, unyank): its destination, the
 * key that signs the rewritten metadata, --dry-run and --json. publish words --to, --layout, --dry-run and --json
 * its own way in help/publish.properties.
 */
abstract class RepositoryCommand extends CliCommand {
    @Mixin
    DestinationOptions destination = new DestinationOptions();

    final RepoKeyOptions keys = new RepoKeyOptions();

    @Mixin
    PlanOptions plan = new PlanOptions();

    @Override
    void declare(CommandSpec s) {
        keys.declare(s);
    }

    RepositoryCommand() {
    }

    /** With an explicit environment (AWS settings, passphrase variables) instead of the process's. */
    RepositoryCommand(Map<String, String> environment) {
        super(environment);
    }
}
