package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts the podman service and builds the target image through the repository's scripts. */
public final class ContainerEnv {
    public static final String IMAGE = "localhost/rpm-release-target:latest";
    private static ContainerTarget.Engine engine;
    private static final Map<Arch, String> IMAGES = new EnumMap<>(Arch.class);

    private ContainerEnv() {
    }

    /**
     * Idempotent: scripts/podman-env.sh start + scripts/build-target-image.sh (the host arch's image, tagged
     * {@link #IMAGE} too: one build for both names); the docker CLI engine to use.
     */
    public static synchronized ContainerTarget.Engine engine() {
        if (engine == null) {
            Path scripts = repoRoot().resolve("scripts");
            String out = Tools.ok(scripts, Map.of(), List.of(scripts.resolve("podman-env.sh").toString(), "start"));
            Map<String, String> env = new HashMap<>();
            Matcher m = Pattern.compile("(?m)^export (\\w+)='([^']*)'$").matcher(out);
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
            if (!env.containsKey("DOCKER_HOST")) {
                throw new AssertionError("podman-env.sh printed no DOCKER_HOST: " + out);
            }
            // no IMAGE argument: the host arch's image, also tagged IMAGE, so image(host arch) finds it built
            Tools.ok(scripts, Map.of(), List.of(scripts.resolve("build-target-image.sh").toString()));
            engine = new ContainerTarget.Engine(List.of("docker"), env, Duration.ofMinutes(5));
        }
        return engine;
    }

    /**
     * The target image of an arch, built once by scripts/build-target-image.sh --arch (a foreign one under
     * qemu-user): localhost/rpm-release-target:latest-amd64 or :latest-arm64.
     */
    public static synchronized String image(Arch arch) {
        ContainerTarget.Engine e = engine();
        String image = "localhost/rpm-release-target:latest-" + arch.docker();
        if (!IMAGES.containsKey(arch)) {
            Path scripts = repoRoot().resolve("scripts");
            Tools.ok(scripts, e.env(), List.of(scripts.resolve("build-target-image.sh").toString(), "--arch",
                    arch.docker(), image));
            IMAGES.put(arch, image);
        }
        return image;
    }

    private static final java.util.Set<String> TRACKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Remembers the validation containers a report names, for {@link #leftBehind()}. */
    public static ValidationReport track(ValidationReport r) {
        TRACKED.addAll(EngineProcesses.containerNames(r));
        return r;
    }

    /**
     * The containers of this JVM's validations (as {@link #track} saw them) the engine still knows a minute after the
     * call (a target removes its container after its run, on a thread of its own). Only ours: other users of the shared
     * engine may be validating at the same time.
     */
    public static List<String> leftBehind() {
        return stillThere(TRACKED::contains, Duration.ofMinutes(1));
    }

    /** Whether the container {@code name} is gone, or goes within {@code wait} (a target removes its own on close). */
    public static boolean goneWithin(String name, Duration wait) {
        return stillThere(name::equals, wait).isEmpty();
    }

    private static List<String> stillThere(java.util.function.Predicate<String> ours, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> there = containers().stream().filter(ours).toList();
            if (there.isEmpty() || System.nanoTime() > end) {
                return there;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return there;
            }
        }
    }

    /** The names of the containers the engine knows now, for {@link #stayedSince}. */
    public static java.util.Set<String> snapshot() {
        return java.util.Set.copyOf(containers());
    }

    /**
     * Containers named {@code prefix}... that were not in {@code before} and are still there once the others are gone
     * (or after three minutes). Other test JVMs share the engine: their containers come and go, a leaked one stays.
     */
    public static List<String> stayedSince(java.util.Set<String> before, String prefix) {
        return stillThere(n -> n.startsWith(prefix) && !before.contains(n), Duration.ofMinutes(3));
    }

    /** Names of the running containers. */
    public static List<String> running() {
        return names(engine(), List.of("docker", "ps", "--format", "{{.Names}}"));
    }

    /**
     * Whether the engine knows a container of this name, asked by name. A container being removed right then
     * (podman's "getting container from store ...: container not known", seen when the exit hook removed the asked
     * container itself) is asked again, as a listing is.
     */
    public static boolean exists(String name) {
        Tools.Run r = untilKnown(engine(), List.of("docker", "container", "inspect", "--format", "{{.Name}}", name));
        if (r.exitCode() == 0) {
            return true;
        }
        if (r.output().contains("no such container")) {
            return false;
        }
        throw new AssertionError("docker container inspect " + name + " failed (" + r.exitCode() + "):\n" + r.output());
    }

    /** Names of all containers (running or not) the engine knows. */
    public static List<String> containers() {
        return containersOf(engine());
    }

    /** Names of all containers (running or not) the given engine knows. */
    public static List<String> containersOf(ContainerTarget.Engine e) {
        return names(e, List.of("docker", "ps", "-a", "--format", "{{.Names}}"));
    }

    /**
     * A listing's names. Podman fails a listing during which another user of the shared engine removed a container
     * ("getting container from store ...: container not known"), for more than a second while the other test JVM
     * removes its containers: that listing is made again, for up to ~10 s.
     */
    private static List<String> names(ContainerTarget.Engine e, List<String> listing) {
        Tools.Run r = untilKnown(e, listing);
        if (r.exitCode() != 0) {
            throw new AssertionError("command failed (" + r.exitCode() + "): " + listing + "\n" + r.output());
        }
        return r.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Runs {@code command}, again while podman says a container it met was removed meanwhile (~10 s at most). */
    private static Tools.Run untilKnown(ContainerTarget.Engine e, List<String> command) {
        for (int attempt = 1; ; attempt++) {
            Tools.Run r = Tools.run(null, e.env(), command);
            if (r.exitCode() == 0 || attempt == 25 || !r.output().contains("container not known")) {
                return r;
            }
            try {
                Thread.sleep(400);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while asking the container engine", x);
            }
        }
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/podman-env.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("cannot find scripts/podman-env.sh above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
