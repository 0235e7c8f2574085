package io.avalanche.rpm.cli;

import io.avalanche.rpm.release.ReleaseBuilder;
import picocli.CommandLine.Option;

/** The overrides of the clean-tree and tag-at-HEAD checks, shared by `build` and `release`. */
final class SourceCheckOptions {
    @Option(names = "--allow-dirty", description = "Build a tree with modified or untracked files (said loudly, "
            + "recorded in release.json).")
    boolean allowDirty;

    @Option(names = "--allow-tag-mismatch", description = "Build although the tag is missing or does not point at "
            + "the checked-out commit (said loudly, recorded in release.json).")
    boolean allowTagMismatch;

    ReleaseBuilder.Checks checks() {
        return new ReleaseBuilder.Checks(allowDirty, allowTagMismatch);
    }
}
