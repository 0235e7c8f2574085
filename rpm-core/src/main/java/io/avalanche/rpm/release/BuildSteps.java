package io.avalanche.rpm.release;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.format.Arch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The build commands of a release as upstream's packaging runs them, their environment, and running them. */
final class BuildSteps {
    private BuildSteps() {
    }

    /** The build steps as upstream's packaging runs them (lib-build-common.sh build_binary). */
    static List<ReleaseBuilder.Step> of(SourceTree tree, GitState git, Arch arch, boolean inContainer) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SOURCE_DATE_EPOCH", Long.toString(git.commitTime()));
        // as upstream's packaging: the commit is passed explicitly, VCS stamping is off
        env.put("AVALANCHEGO_COMMIT", git.commit());
        String goflags = inContainer ? null : System.getenv("GOFLAGS");
        env.put("GOFLAGS", (goflags == null || goflags.isBlank() ? "" : goflags + " ") + "-buildvcs=false");
        env.putAll(crossEnvironment(arch, inContainer));
        return List.of(
                new ReleaseBuilder.Step("avalanchego", List.of("./" + SourceTree.AVALANCHEGO_BUILD), tree.root(),
                        tree.avalanchegoOutput(), env),
                new ReleaseBuilder.Step("subnet-evm", List.of("./scripts/build.sh", tree.pluginOutput().toString()),
                        tree.root().resolve(SourceTree.SUBNET_EVM_DIR), tree.pluginOutput(), env));
    }

    /**
     * GOOS/GOARCH/CGO_ENABLED (and CC, the cross compiler, when it is on PATH or the build runs in a container)
     * for a foreign arch; empty for this machine's arch.
     */
    public static Map<String, String> crossEnvironment(Arch arch, boolean inContainer) {
        Map<String, String> env = new LinkedHashMap<>();
        if (arch == Arch.host()) {
            return env;
        }
        env.put("GOOS", "linux");
        env.put("GOARCH", arch.docker());
        env.put("CGO_ENABLED", "1");
        String cc = (arch == Arch.AARCH64 ? "aarch64" : "x86_64") + "-linux-gnu-gcc";
        if (inContainer || onPath(cc)) {
            env.put("CC", cc);
        }
        return env;
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    /** Runs the plan's build steps (host or container) and checks each produced its output. */
    static void run(ReleaseBuilder.Plan plan, ReleaseBuilder.Request r, Consumer<String> log) {
        for (ReleaseBuilder.Step s : plan.steps()) {
            log.accept("+ (cd " + s.workDir() + " && " + String.join(" ", s.command()) + ")"
                    + (r.image() == null ? "" : "   (in " + r.image() + ")"));
            String output = plan.tree().root().relativize(s.output()).toString();
            BuildOutput.remove(plan.tree().root(), output);
            if (r.image() == null) {
                ProcessRunner.Result run = ProcessRunner.of(s.command()).in(s.workDir()).env(s.env()).onLine(log)
                        .run();
                if (!run.ok()) {
                    if (io.avalanche.rpm.ExitCleanup.stopping()) {   // ended by the JVM's exit, not failed
                        throw new io.avalanche.rpm.RpmException("interrupted while running "
                                + String.join(" ", s.command()));
                    }
                    throw new BuildException(String.join(" ", s.command()) + " failed with exit code " + run.exitCode()
                            + (run.output().isBlank() ? "" : ":\n  " + String.join("\n  ", run.tail(20))));
                }
            } else {
                ContainerBuild.run(r.engine(), r.image(), plan.tree().root(), s, log);
            }
            BuildOutput.requireRegular(plan.tree().root(), output, String.join(" ", s.command()) + " (in "
                    + s.workDir() + ")");
        }
    }
}
