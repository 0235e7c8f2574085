package io.avalanche.rpm.cli;

import io.avalanche.rpm.release.ReleaseBuilder;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Mixin of build and release: the source tree and the overrides of its clean-tree and tag-at-HEAD checks. */
final class SourceOptions {
    @Option(names = "--source", required = true, description = "The source tree (a git checkout).")
    Path source;

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
