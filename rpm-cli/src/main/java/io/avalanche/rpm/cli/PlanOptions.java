package io.avalanche.rpm.cli;

import picocli.CommandLine.Option;

/**
 * Mixin of build, release and the repository commands: --dry-run (print the plan, change nothing) and --json (the
 * result as JSON on stdout). build, release and publish word them in help/NAME.properties.
 */
final class PlanOptions {
    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the plan and result as JSON on stdout.")
    boolean json;
}
