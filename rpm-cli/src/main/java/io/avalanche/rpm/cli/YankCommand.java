package io.avalanche.rpm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.avalanche.rpm.lifecycle.YankResult;


/** {@code rpm-release yank}: takes a release out of every channel's metadata, recording why. */
@Command(name = "yank", mixinStandardHelpOptions = true)   // usage text: help/yank.properties
final class YankCommand extends LifecycleCommand {
    @Parameters(index = "0", paramLabel = "TAG", description = "The release tag, e.g. v1.14.1.")
    String tag;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (one line; published).")
    String reason;

    @Option(names = "--release", paramLabel = "N", description = "Only RPM Release N of the tag (e.g. 1 after a respin as 2).")
    String release;

    @Override
    public Integer call() {
        return run(!plan.dryRun, (l, o) -> l.yank(tag, release, reason, o),
                YankResult::toMap, YankResult::lines);
    }
}
