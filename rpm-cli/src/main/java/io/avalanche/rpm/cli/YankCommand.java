package io.avalanche.rpm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.avalanche.rpm.lifecycle.YankResult;


/** {@code rpm-release yank}: takes a release out of every channel's metadata, recording why. */
@Command(name = "yank", mixinStandardHelpOptions = true,
        description = {"Take a published release out of the metadata of every channel (dnf stops offering it)",
            "and publish the reason in <root>yanked/<TAG>.json. The package objects stay: direct downloads",
            "keep working and `rpm-release unyank TAG` brings it back. Customers who installed it keep it",
            "until a newer release reaches them. The metadata is signed again (--key)."},
        footer = {"", "Examples:",
            "  rpm-release yank v1.14.1 --reason 'database corruption on upgrade, use v1.14.2' --to s3://bucket \\",
            "      --key release.asc --passphrase-env RPM_KEY_PASS",
            "  rpm-release yank v1.14.1 --release 1 --reason 'respun as 1.14.1-2' --to file:/srv/bucket --dry-run",
            "", "Exit codes: 0 ok, 1 failure (e.g. nothing of TAG is published), 2 usage, 3 the key does not match."})
final class YankCommand extends LifecycleCommand {
    @Parameters(index = "0", paramLabel = "TAG", description = "The release tag, e.g. v1.14.1.")
    String tag;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (one line; published).")
    String reason;

    @Option(names = "--release", paramLabel = "N", description = "Only RPM Release N of the tag (e.g. 1 after a respin as 2).")
    String release;

    @Override
    public Integer call() {
        return run(!dryRun, (l, o) -> l.yank(tag, release, reason, o),
                YankResult::toMap, YankResult::lines);
    }
}
