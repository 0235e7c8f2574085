package io.avalanche.rpm.release;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** One build step in a container: the tree mounted at its own path, run as the tree's owner, always removed. */
final class ContainerBuild {
    private ContainerBuild() {
    }

    /** Runs {@code step} in a container of {@code image}; BuildException with the output tail when it fails. */
    static void run(ContainerTarget.Engine engine, String image, Path source, ReleaseBuilder.Step step,
                    Consumer<String> log) {
        String name = "rpm-release-build-" + UUID.randomUUID().toString().substring(0, 12);
        List<String> args = new ArrayList<>(engine.docker());
        args.addAll(List.of("run", "--name", name, "--user", owner(source), "-v", source + ":" + source, "-w",
                step.workDir().toString(), "-e", "HOME=/tmp"));
        step.env().forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        args.add(ImageReference.check(image));   // docker would read '-...' as an option of its own
        args.addAll(step.command());
        List<String> remove = new ArrayList<>(engine.docker());
        remove.addAll(List.of("rm", "-f", name));
        Thread cleanup = new Thread(() -> ProcessRunner.of(remove).env(engine.env()).run());
        Runtime.getRuntime().addShutdownHook(cleanup);
        String cmd = String.join(" ", step.command());
        try {
            ProcessRunner.Result run = ProcessRunner.of(args).env(engine.env()).onLine(log).run();
            // `docker run` exit codes are unreliable against some engines: also read the container's own state
            List<String> inspect = new ArrayList<>(engine.docker());
            inspect.addAll(List.of("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name));
            ProcessRunner.Result st = ProcessRunner.of(inspect).env(engine.env()).run();
            String state = st.output().trim();
            // podman reports a finished container as "stopped" until its cleanup has run, then "exited"
            if (run.exitCode() != 0 || st.exitCode() != 0 || !state.matches("(exited|stopped) 0")) {
                throw new BuildException(cmd + " failed in container " + image + " (docker run exit "
                        + run.exitCode() + ", container state: " + (st.exitCode() == 0 ? state : "unknown") + ")"
                        + (run.output().isBlank() ? "" : ":\n  " + String.join("\n  ", run.tail(20))));
            }
        } finally {
            ProcessRunner.of(remove).env(engine.env()).run();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook removes the container
            }
        }
    }

    private static String owner(Path source) {
        try {
            return Files.getAttribute(source, "unix:uid") + ":" + Files.getAttribute(source, "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new BuildException("cannot read the owner of " + source + ": " + IoErrors.why(e));
        }
    }
}
