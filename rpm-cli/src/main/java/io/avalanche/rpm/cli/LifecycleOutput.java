package io.avalanche.rpm.cli;

import io.avalanche.rpm.lifecycle.Lifecycle;
import io.avalanche.rpm.lifecycle.YankResult;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.function.BiFunction;

/** Runs yank or unyank on the destination of the options and prints the result (text or --json). */
final class LifecycleOutput {
    private LifecycleOutput() {
    }

    static int run(CommandSpec spec, boolean json, DestinationOptions destination, RepoKeyOptions keys,
                   Map<String, String> environment, boolean apply,
                   BiFunction<Lifecycle, Lifecycle.Options, YankResult> op) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String url = destination.url();
        try (RepoKeyOptions.Open key = apply ? keys.open(destination.destination(), environment, System.in)
                : RepoKeyOptions.Open.none();
             Lifecycle l = Lifecycle.open(url, destination.s3(environment, spec.name()), line -> Output.line(err, line))) {
            YankResult r = op.apply(l, new Lifecycle.Options(destination.layout(), key.signer(),
                    destination.overall(environment, spec.name()), apply));
            if (json) {
                out.println(Output.toJson(r.toMap()));
            } else {
                r.lines().forEach(x -> Output.line(out, x));
            }
            out.flush();
            return Main.OK;
        }
    }
}
