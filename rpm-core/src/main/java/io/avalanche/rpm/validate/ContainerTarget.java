package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A fresh container of the target image for one validation: {@link #run} starts it with {@code --network=none},
 * the release directory mounted read-only at /rpms, and runs every step in it as one script
 * ({@link ContainerScript}) in one {@code docker run}. One run instead of a long-lived container and a
 * {@code docker exec} per step: each exec session of podman's Docker API keeps two conmon processes alive for
 * its exit delay (five minutes) after it ended, even after the container was removed. Each step's status travels in
 * the script's output. The run does not wait for the container's removal ({@code --rm} kept the caller 0.3-1 s after
 * the last step): {@link #close} removes it ({@code docker rm -f}) on a thread of its own, and a shutdown hook
 * removes it at JVM exit if that removal has not ended by then ({@link ContainerRemoval}).
 */
public final class ContainerTarget implements InstallTarget {
    /** How to reach the container runtime: CLI command, extra environment (e.g. DOCKER_HOST), timeout per run. */
    public record Engine(List<String> docker, Map<String, String> env, Duration stepTimeout) {
        public Engine {
            docker = List.copyOf(docker);
            env = Map.copyOf(env);
        }

        /** The {@code docker} CLI on PATH with the process environment. */
        public static Engine dockerCli() {
            return new Engine(List.of("docker"), Map.of(), Duration.ofMinutes(10));
        }

        /** Runs the CLI with these arguments (this engine's environment and timeout). */
        public ProcessRunner.Result docker(String... args) {
            List<String> cmd = new ArrayList<>(docker);
            cmd.addAll(List.of(args));
            return ProcessRunner.of(cmd).env(env).timeout(stepTimeout).run();
        }
    }

    static final String NAME_PREFIX = "rpm-release-validate-";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Where the directory given to {@link #open} is mounted (read-only). */
    static final String MOUNT = "/rpms";

    private final Engine runtime;
    private final String image;
    private final Path releaseDir;
    private final Platform platform;
    private final String name;
    private final ContainerRemoval removal;

    private ContainerTarget(Engine runtime, String image, Path releaseDir, Platform platform) {
        this.runtime = runtime;
        this.image = ImageReference.check(image);   // docker would read '-...' as an option of its own
        this.releaseDir = releaseDir.toAbsolutePath();
        this.platform = platform;
        this.name = NAME_PREFIX + HexFormat.of().formatHex(RANDOM.generateSeed(6));
        this.removal = new ContainerRemoval(runtime, name);
    }

    /** A target of the host's arch. */
    public static ContainerTarget open(Engine runtime, String image, Path releaseDir) {
        return open(runtime, image, releaseDir, Platform.host());
    }

    /**
     * A target for {@code platform} ({@code --platform linux/<arch>}, under emulation when the platform says so):
     * asks the engine for the image's arch (one call, which also proves the engine answers) and refuses a local
     * image of another arch. The container itself starts in {@link #run}.
     */
    public static ContainerTarget open(Engine runtime, String image, Path releaseDir, Platform platform) {
        ValidationException refused = imageRefusal(runtime, image, platform);
        if (refused != null) {
            throw refused;
        }
        return new ContainerTarget(runtime, image, releaseDir, platform);
    }

    /**
     * A target whose image is not checked yet: the caller runs {@link #imageRefusal} beside its start and keeps its
     * steps from running (a gate, {@link #run(List, java.util.concurrent.CompletableFuture)}) until it passed.
     */
    static ContainerTarget unchecked(Engine runtime, String image, Path releaseDir, Platform platform) {
        return new ContainerTarget(runtime, image, releaseDir, platform);
    }

    /** Asks the engine for the image's arch: a refusal for a local image of another arch, else null. */
    static ValidationException imageRefusal(Engine runtime, String image, Platform platform) {
        String dockerArch = platform.arch().docker();
        ProcessRunner.Result have = runtime.docker("image", "inspect", "-f", "{{.Architecture}}", image);
        if (have.ok() && !have.output().strip().equals(dockerArch)) {
            return new ValidationException("image " + image + " is for " + have.output().strip() + ", but the release"
                    + " is " + platform.arch().rpm() + ": pass --image with an " + dockerArch
                    + " image (here: scripts/build-target-image.sh --arch " + dockerArch
                    + " builds localhost/rpm-release-target:latest-" + dockerArch + ")");
        }
        return null;
    }

    public String name() {
        return name;
    }

    public Platform platform() {
        return platform;
    }

    @Override
    public String describe() {
        return "container " + name + " (" + image + ", " + platform.label() + ")";
    }

    @Override
    public String confinement() {
        return ContainerConfinement.describe(name, image);
    }

    @Override
    public Step.Results run(List<Step> steps) {
        return run(steps, null);
    }

    /**
     * As {@link #run(List)}, held at a gate: the container starts at once (its start overlaps the caller's own checks),
     * but its script runs no step before {@code go} completes with true, on its standard input. With false, or a
     * failure, it ends before its first step and the results are empty. Null: no gate.
     */
    public Step.Results run(List<Step> steps, java.util.concurrent.CompletableFuture<Boolean> go) {
        Step.checkOrder(steps);
        List<List<String>> commands = new ArrayList<>();
        List<List<Integer>> needs = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Step s : steps) {
            index.put(s.id(), commands.size());
            commands.add(command(s.action()));
            needs.add(s.needs().stream().map(index::get).toList());
        }
        ContainerScript.Rendered script = ContainerScript.render(commands, needs, go != null);
        String dockerArch = platform.arch().docker();
        List<String> cmd = new ArrayList<>(runtime.docker());
        cmd.add("run");
        if (go != null) {
            cmd.add("-i");   // the gate's line arrives on standard input; every step reads /dev/null
        }
        cmd.addAll(List.of("--name", name, "--network=none", "--platform", "linux/" + dockerArch,
                "-v", releaseDir + ":" + MOUNT + ":ro", image, "/bin/sh", "-c", script.script(), "rpm-release-steps"));
        cmd.addAll(script.args());
        removal.beforeRun(image);
        StepClock clock = new StepClock(System.nanoTime());
        ProcessRunner runner = ProcessRunner.of(cmd).env(runtime.env()).timeout(runtime.stepTimeout()).errorsApart()
                .maxOutput(ContainerScript.maxStdout(commands.size())).onLine(clock);
        if (go != null) {
            runner.input(go.thenApply(open -> {
                if (!open) {
                    return null;
                }
                clock.restart();   // the first step's time runs from the gate, not from the container's start
                return (ContainerScript.GO + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }));
        }
        ProcessRunner.Result r = removal.during(runner::run);
        ContainerScript.Parsed parsed = ContainerScript.parse(r.output(), commands);
        if (!parsed.started()) {
            throw new ValidationException("cannot start a container of " + image + " for linux/" + dockerArch
                    + " (" + r.describe().replace(script.script(), "SCRIPT") + "): " + r.errors().strip()
                    + "; build or pull the image first (scripts/build-target-image.sh --arch " + dockerArch + ")");
        }
        if (go != null && !opened(go)) {
            return new Step.Results();   // the gate stayed closed: no step ran
        }
        String machine = parsed.machine() == null ? "" : parsed.machine().strip();
        if (!machine.equals(platform.arch().rpm())) {
            throw new ValidationException("container " + name + " of " + image + " runs '" + machine
                    + "' programs, not " + platform.arch().rpm() + " (uname -m); use a " + dockerArch + " image");
        }
        Step.Results out = new Step.Results();
        for (Step s : steps) {
            int i = index.get(s.id());
            ProcessRunner.Result res = parsed.results().get(i);
            if (res == null && out.allPassed(s.needs())) {
                res = new ProcessRunner.Result(commands.get(i), -1, "no result: " + (r.exitCode() == -1
                        ? "timed out after " + runtime.stepTimeout().toSeconds() + " s"
                        : "the container ended before this step finished (docker run: exit " + r.exitCode() + ")"
                        + (r.errors().isBlank() ? "" : "\n" + r.errors().strip())));
            }
            if (res != null) {
                out.put(s.id(), res, clock.time(i));
            }
        }
        return out;
    }

    /** Whether the gate opened (completed with true). */
    private static boolean opened(java.util.concurrent.CompletableFuture<Boolean> go) {
        try {
            return go.getNow(false);
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return false;
        }
    }

    private List<String> command(Step.Action action) {
        if (action instanceof Step.ImportKey k) {
            return List.of("rpm", "--import", inside(k.key()));
        } else if (action instanceof Step.CheckSignature c) {
            List<String> cmd = new ArrayList<>(List.of("rpm", "-K"));
            c.rpms().forEach(p -> cmd.add(inside(p)));
            return cmd;
        } else if (action instanceof Step.Install i) {
            List<String> cmd = new ArrayList<>(List.of("rpm", "-ivh", "--define", "_pkgverify_level signature"));
            i.rpms().forEach(p -> cmd.add(inside(p)));
            return cmd;
        } else if (action instanceof Step.Run r) {
            List<String> cmd = new ArrayList<>(List.of(r.path()));
            cmd.addAll(r.args());
            return cmd;
        }
        String path = ((Step.IsExecutable) action).path();
        return List.of("test", "-f", path, "-a", "-x", path);
    }

    private static String inside(Path p) {
        return MOUNT + "/" + p.getFileName();
    }

    /** Removes the container (if one was started) on another thread; a shutdown hook stays until that is done. */
    @Override
    public void close() {
        removal.close();
    }

    /** As the exit hook, {@code runUnderWay} or not ({@link ContainerRemoval#atExit}). */
    void removeAtExit(boolean runUnderWay) {
        removal.atExit(runUnderWay);
    }
}
