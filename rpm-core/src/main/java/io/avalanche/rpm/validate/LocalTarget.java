package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A scratch {@code rpm --root DIR --dbpath /var/lib/rpm} for machines without a container runtime:
 * a fixture package provides the target glibc, and installed programs run on the host from DIR. A foreign
 * arch installs with {@code --ignorearch} and runs under qemu-user (binfmt_misc) with the cross glibc
 * ({@code QEMU_LD_PREFIX=/usr/<triplet>}).
 */
public final class LocalTarget implements InstallTarget {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** Output kept per step (the container target keeps the same). */
    static final int MAX_OUTPUT = 256 * 1024;
    private final Path root;
    private final Platform platform;

    private LocalTarget(Path root, Platform platform) {
        this.root = root;
        this.platform = platform;
    }

    /** A scratch root for the host's arch. */
    public static LocalTarget start(Path root, String glibcVersion) {
        return start(root, glibcVersion, Platform.host());
    }

    /** Creates DIR (must not exist or be empty), initialises its database and installs the glibc fixture. */
    public static LocalTarget start(Path root, String glibcVersion, Platform platform) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the scratch root " + root + ": " + e.getMessage(), e);
        }
        LocalTarget t = new LocalTarget(root.toAbsolutePath(), platform);
        try {
            ProcessRunner.Result init = exec(t.rpm("rpm", "--initdb"), Map.of());
            if (!init.ok()) {
                throw new ValidationException("cannot create an rpm database in " + root + " (" + init.describe()
                        + "): " + init.output().strip());
            }
            Path fixture = GlibcFixture.build(glibcVersion, root.resolveSibling(root.getFileName() + "-fixture"));
            List<String> cmd = t.rpm("rpm", "-i", "--nosignature");
            cmd.add(fixture.toString());
            ProcessRunner.Result r = exec(cmd, Map.of());
            if (!r.ok()) {
                throw new ValidationException("cannot install the glibc fixture into " + root + " (" + r.describe()
                        + "): " + r.output().strip());
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private List<String> rpm(String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "--root", root.toString(), "--dbpath", "/var/lib/rpm"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public String describe() {
        return "scratch rpm root " + root + " (" + platform.label() + ")";
    }

    @Override
    public Step.Results run(List<Step> steps) {
        Step.checkOrder(steps);
        Step.Results out = new Step.Results();
        for (Step s : steps) {
            if (out.allPassed(s.needs())) {
                long t0 = System.nanoTime();
                ProcessRunner.Result r = run(s.action());
                out.put(s.id(), r, Duration.ofNanos(System.nanoTime() - t0));
            }
        }
        return out;
    }

    private ProcessRunner.Result run(Step.Action action) {
        if (action instanceof Step.ImportKey k) {
            return exec(rpm("rpmkeys", "--import", k.key().toAbsolutePath().toString()), Map.of());
        } else if (action instanceof Step.CheckSignature c) {
            return exec(rpm("rpm", "-K", c.rpm().toAbsolutePath().toString()), Map.of());
        } else if (action instanceof Step.Install i) {
            List<String> cmd = rpm("rpm", "-ivh", "--define", "_pkgverify_level signature");
            if (platform.emulated()) {
                cmd.add("--ignorearch");
            }
            i.rpms().forEach(p -> cmd.add(p.toAbsolutePath().toString()));
            return exec(cmd, Map.of());
        } else if (action instanceof Step.Run r) {
            List<String> cmd = new ArrayList<>(List.of(hostPath(r.path()).toString()));
            cmd.addAll(r.args());
            return exec(cmd, platform.emulated() ? Map.of("QEMU_LD_PREFIX", "/usr/" + platform.triplet()) : Map.of());
        }
        String path = ((Step.IsExecutable) action).path();
        Path p = hostPath(path);
        boolean ok = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(p);
        String why = !Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "no such file"
                : ok ? "executable" : "not an executable regular file";
        return new ProcessRunner.Result(List.of("test", "-x", path), ok ? 0 : 1, p + ": " + why);
    }

    private static ProcessRunner.Result exec(List<String> cmd, Map<String, String> env) {
        return ProcessRunner.of(cmd).env(env).timeout(TIMEOUT).maxOutput(MAX_OUTPUT).run();
    }

    private Path hostPath(String path) {
        Path p = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(root)) {
            throw new ValidationException(path + " escapes the scratch root " + root);
        }
        return p;
    }

    @Override
    public void close() {
        Cleanup.deleteTree(root);
        Cleanup.deleteTree(root.resolveSibling(root.getFileName() + "-fixture"));
    }
}
