package io.avalanche.rpm.cli;

import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.lifecycle.Lifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code rpm-release prune}: keeps the N newest releases of each channel and arch, deletes the others. */
@Command(name = "prune", mixinStandardHelpOptions = true)   // usage text: help/prune.properties
final class PruneCommand extends LifecycleCommand {
    @Option(names = "--keep", required = true, paramLabel = "N",
            description = "Releases to keep per channel and arch (0 or more).")
    int keep;

    @Option(names = "--channel", paramLabel = "CHANNEL",
            description = "Prune only this channel (stable, testing, fuji, experimental); repeatable. Default: all.")
    List<String> channels;

    @Option(names = "--yes", description = "Apply the plan (without it, prune only prints what it would do).")
    boolean yes;

    @Override
    public Integer call() {
        Set<Channel> only = channels == null ? Set.of()
                : channels.stream().map(Channel::named).collect(Collectors.toUnmodifiableSet());
        boolean apply = yes && !plan.dryRun;
        return run(apply, (l, o) -> l.prune(keep, only, o),
                Lifecycle.PruneResult::toMap, r -> {
                    List<String> lines = new java.util.ArrayList<>();
                    lines.add((apply ? "PRUNE " : "PLAN (nothing changed; --yes applies it): prune ")
                            + destination.url() + " --keep " + keep);
                    lines.addAll(r.lines());
                    return lines;
                });
    }
}
