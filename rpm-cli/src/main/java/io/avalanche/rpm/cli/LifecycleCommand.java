package io.avalanche.rpm.cli;

import io.avalanche.rpm.lifecycle.Lifecycle;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The base of prune, yank and unyank (their options: {@link RepositoryCommand}): runs the operation on the
 * destination and prints its result (text or --json).
 */
abstract class LifecycleCommand extends RepositoryCommand {
    /**
     * Opens the destination (and the key when {@code apply}), runs {@code op} and prints its result:
     * {@code toMap} with --json, else {@code lines}.
     */
    <R> int run(boolean apply, BiFunction<Lifecycle, Lifecycle.Options, R> op,
                Function<R, Map<String, Object>> toMap, Function<R, List<String>> lines) {
        Map<String, String> environment = environment();
        String name = spec.name();
        try (RepoKeyOptions.Open key = apply ? keys.open(destination.destination(), environment, stdin())
                : RepoKeyOptions.Open.none();
             Lifecycle l = Lifecycle.open(destination.url(), destination.s3(environment, name), log())) {
            R r = op.apply(l, new Lifecycle.Options(destination.layout(), key.signer(),
                    destination.overall(environment, name), apply));
            return print(plan.json, () -> Output.toJson(toMap.apply(r)), () -> lines.apply(r), Main.OK);
        }
    }
}
