package io.avalanche.rpm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.avalanche.rpm.lifecycle.YankResult;


/** {@code rpm-release unyank}: brings a yanked release back into its channel's metadata. */
@Command(name = "unyank", mixinStandardHelpOptions = true)   // usage text: help/unyank.properties
final class UnyankCommand extends LifecycleCommand {
    @Parameters(index = "0", paramLabel = "TAG", description = "The yanked release tag, e.g. v1.14.1.")
    String tag;

    @Option(names = "--release", paramLabel = "N", description = "Only RPM Release N of the tag.")
    String release;

    @Override
    public Integer call() {
        return run(!plan.dryRun, (l, o) -> l.unyank(tag, release, o),
                YankResult::toMap, YankResult::lines);
    }
}
