package io.avalanche.rpm.validate;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A fresh container of the target image, started detached with {@code --network=none} under a unique
 * name, the release directory mounted read-only at /rpms; every step is a {@code docker exec} whose
 * status is read directly. The container is removed with {@code docker rm -f} on close and on JVM exit.
 */
public final class ContainerTarget implements InstallTarget {
    /** How to reach the container runtime: CLI command, extra environment (e.g. DOCKER_HOST), timeout per step. */
    public record Engine(List<String> docker, Map<String, String> env, Duration stepTimeout) {
        public Engine {
            docker = List.copyOf(docker);
            env = Map.copyOf(env);
        }

        /** The {@code docker} CLI on PATH with the process environment. */
        public static Engine dockerCli() {
            return new Engine(List.of("docker"), Map.of(), Duration.ofMinutes(10));
        }
    }

    static final String NAME_PREFIX = "rpm-release-validate-";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Where the directory given to {@link #start} is mounted (read-only). */
    static final String MOUNT = "/rpms";

    private final Engine runtime;
    private final String image;
    private final Platform platform;
    private final String name;
    private final Thread hook;

    private ContainerTarget(Engine runtime, String image, Platform platform, String name, Thread hook) {
        this.runtime = runtime;
        this.image = image;
        this.platform = platform;
        this.name = name;
        this.hook = hook;
    }

    /** A container of the host's arch. */
    public static ContainerTarget start(Engine runtime, String image, Path releaseDir) {
        return start(runtime, image, releaseDir, Platform.host());
    }

    /**
     * Starts the container with {@code --platform linux/<arch>} (under emulation when the platform says so);
     * refuses a local image of another arch and checks {@code uname -m} inside. On any failure the container
     * is removed again and ValidationException is thrown.
     */
    public static ContainerTarget start(Engine runtime, String image, Path releaseDir, Platform platform) {
        String dockerArch = platform.arch().docker();
        Exec.Result have = docker(runtime, "image", "inspect", "-f", "{{.Architecture}}", image);
        if (have.ok() && !have.output().strip().equals(dockerArch)) {
            throw new ValidationException("image " + image + " is for " + have.output().strip() + ", but the release"
                    + " is " + platform.arch().rpm() + ": pass --image with an " + dockerArch
                    + " image (here: scripts/build-target-image.sh --arch " + dockerArch
                    + " builds localhost/rpm-release-target:latest-" + dockerArch + ")");
        }
        String name = NAME_PREFIX + HexFormat.of().formatHex(RANDOM.generateSeed(6));
        Thread hook = new Thread(() -> remove(runtime, name), "rm-" + name);
        java.lang.Runtime.getRuntime().addShutdownHook(hook);
        ContainerTarget t = new ContainerTarget(runtime, image, platform, name, hook);
        try {
            List<String> cmd = new ArrayList<>(runtime.docker());
            cmd.addAll(List.of("run", "-d", "--name", name, "--network=none", "--platform", "linux/" + dockerArch,
                    "-v", releaseDir.toAbsolutePath() + ":" + MOUNT + ":ro", image, "sleep", "infinity"));
            Exec.Result r = Exec.run(cmd, runtime.env(), runtime.stepTimeout());
            if (!r.ok()) {
                throw new ValidationException("cannot start a container of " + image + " for linux/" + dockerArch
                        + " (" + r.describe() + "): " + r.output().strip()
                        + "; build or pull the image first (scripts/build-target-image.sh --arch " + dockerArch + ")");
            }
            Exec.Result state = docker(runtime, "inspect", "-f", "{{.State.Running}}", name);
            if (!state.ok() || !state.output().strip().equals("true")) {
                throw new ValidationException("container " + name + " of " + image + " is not running: "
                        + state.output().strip());
            }
            Exec.Result machine = t.exec("uname", "-m");
            if (!machine.ok() || !machine.output().strip().equals(platform.arch().rpm())) {
                throw new ValidationException("container " + name + " of " + image + " runs '"
                        + machine.output().strip() + "' programs, not " + platform.arch().rpm()
                        + " (uname -m); use a " + dockerArch + " image");
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
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
    public Exec.Result importKey(Path key) {
        return exec("rpm", "--import", inside(key));
    }

    @Override
    public Exec.Result checkSignature(Path rpm) {
        return exec("rpm", "-K", inside(rpm));
    }

    @Override
    public Exec.Result install(List<Path> rpms) {
        List<String> cmd = new ArrayList<>(List.of("rpm", "-ivh", "--define", "_pkgverify_level signature"));
        rpms.forEach(p -> cmd.add(inside(p)));
        return exec(cmd.toArray(String[]::new));
    }

    @Override
    public Exec.Result run(String path, String... args) {
        List<String> cmd = new ArrayList<>(List.of(path));
        cmd.addAll(List.of(args));
        return exec(cmd.toArray(String[]::new));
    }

    @Override
    public Exec.Result isExecutable(String path) {
        return exec("test", "-f", path, "-a", "-x", path);
    }

    private Exec.Result exec(String... cmd) {
        List<String> full = new ArrayList<>(List.of("exec", name));
        full.addAll(List.of(cmd));
        return docker(runtime, full.toArray(String[]::new));
    }

    private static String inside(Path p) {
        return MOUNT + "/" + p.getFileName();
    }

    private static Exec.Result docker(Engine runtime, String... args) {
        List<String> cmd = new ArrayList<>(runtime.docker());
        cmd.addAll(List.of(args));
        return Exec.run(cmd, runtime.env(), runtime.stepTimeout());
    }

    private static void remove(Engine runtime, String name) {
        try {
            docker(runtime, "rm", "-f", name);
        } catch (RuntimeException ignored) {
            // nothing more can be done; the name is unique and says who left it
        }
    }

    @Override
    public void close() {
        remove(runtime, name);
        try {
            java.lang.Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down and runs the hook itself
        }
    }
}
