package io.avalanche.rpm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.avalanche.rpm.lifecycle.YankResult;


/** {@code rpm-release unyank}: brings a yanked release back into its channel's metadata. */
@Command(name = "unyank", mixinStandardHelpOptions = true,
        description = {"Bring a yanked release back into the metadata of its channel (dnf offers it again) and",
            "remove its entries from <root>yanked/<TAG>.json. The metadata is signed again (--key)."},
        footer = {"", "Example:",
            "  rpm-release unyank v1.14.1 --to s3://bucket --key release.asc --passphrase-env RPM_KEY_PASS",
            "", "Exit codes: 0 ok, 1 failure (e.g. TAG is not yanked), 2 usage, 3 the key does not match."})
final class UnyankCommand extends LifecycleCommand {
    @Parameters(index = "0", paramLabel = "TAG", description = "The yanked release tag, e.g. v1.14.1.")
    String tag;

    @Option(names = "--release", paramLabel = "N", description = "Only RPM Release N of the tag.")
    String release;

    @Override
    public Integer call() {
        return run(!dryRun, (l, o) -> l.unyank(tag, release, o),
                YankResult::toMap, YankResult::lines);
    }
}
