package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
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
 * A scratch {@code rpm --root DIR --dbpath /var/lib/rpm} for machines without a container runtime: a fixture
 * package provides the target glibc; packages install with {@code --noscripts --notriggers} (package code never runs
 * as root here), and installed programs run confined in a {@link HostSandbox} (no capabilities, new namespaces, a
 * read-only tree; uid 65534 when run as root). A foreign arch installs with {@code --ignorearch} and runs under
 * qemu-user (binfmt_misc) with the cross glibc ({@code QEMU_LD_PREFIX=/usr/<triplet>}).
 */
public final class LocalTarget implements InstallTarget {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** Output kept per step (the container target keeps the same). */
    static final int MAX_OUTPUT = 256 * 1024;
    private final Path root;
    private final Platform platform;
    private final boolean asRoot;
    private HostSandbox sandbox;

    private LocalTarget(Path root, Platform platform, boolean asRoot) {
        this.root = root;
        this.platform = platform;
        this.asRoot = asRoot;
    }

    /** A scratch root for the host's arch. */
    public static LocalTarget start(Path root, String glibcVersion) {
        return start(root, glibcVersion, Platform.host());
    }

    /** Creates DIR (must not exist or be empty), initialises its database and installs the glibc fixture. */
    public static LocalTarget start(Path root, String glibcVersion, Platform platform) {
        return start(root, glibcVersion, platform, HostSandbox.runningAsRoot());
    }

    /**
     * As {@link #start(Path, String, Platform)}; {@code asRoot} chooses the confinement of programs (uid 65534, or a
     * user namespace as an unprivileged user), so tests can exercise both.
     */
    static LocalTarget start(Path root, String glibcVersion, Platform platform, boolean asRoot) {
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the scratch root " + root + ": " + IoErrors.why(e), e);
        }
        LocalTarget t = new LocalTarget(root.toAbsolutePath(), platform, asRoot);
        try {
            ProcessRunner.Result init = exec(t.rpm("rpm", "--initdb"), Map.of());
            if (!init.ok()) {
                throw new ValidationException("cannot create an rpm database in " + root + " (" + init.describe()
                        + "): " + init.output().strip());
            }
            Path fixture = GlibcFixture.build(glibcVersion, root.resolveSibling(root.getFileName() + "-fixture"));
            List<String> cmd = t.rpm("rpm", "-i", "--nosignature", "--noscripts", "--notriggers");
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

    /**
     * An rpm tool on the scratch root, run with umask 022 whatever the caller's: the directories rpm creates must be
     * searchable by the confined smoke programs (uid 65534), as they are on a customer's system.
     */
    private List<String> rpm(String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 022 && exec \"$@\"", "rpm-umask", tool,
                "--root", root.toString(), "--dbpath", "/var/lib/rpm"));
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
            List<String> cmd = rpm("rpm", "-K");
            c.rpms().forEach(p -> cmd.add(p.toAbsolutePath().toString()));
            return exec(cmd, Map.of());
        } else if (action instanceof Step.Install i) {
            List<String> cmd = rpm("rpm", "-ivh", "--noscripts", "--notriggers", "--define",
                    "_pkgverify_level signature");
            if (platform.emulated()) {
                cmd.add("--ignorearch");
            }
            i.rpms().forEach(p -> cmd.add(p.toAbsolutePath().toString()));
            return exec(cmd, Map.of());
        } else if (action instanceof Step.Run r) {
            return confined(r);
        }
        String path = ((Step.IsExecutable) action).path();
        Path p = hostPath(path);
        boolean ok = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(p);
        String why = !Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "no such file"
                : ok ? "executable" : "not an executable regular file";
        return new ProcessRunner.Result(List.of("test", "-x", path), ok ? 0 : 1, p + ": " + why);
    }

    /**
     * Runs an installed program confined (see {@link HostSandbox}); the sandbox is built on first use. When it cannot
     * be built nothing runs: the result has exit status {@link HostSandbox#NOT_CONFINED} and says why.
     */
    private ProcessRunner.Result confined(Step.Run r) {
        String inside = "/" + root.relativize(hostPath(r.path()));
        try {
            if (sandbox == null) {
                sandbox = HostSandbox.open(root, root.resolveSibling(root.getFileName() + "-sandbox"), asRoot);
            }
        } catch (HostSandbox.ConfinementException e) {
            return new ProcessRunner.Result(List.of(r.path()), HostSandbox.NOT_CONFINED, e.getMessage());
        }
        Map<String, String> env = platform.emulated() ? Map.of("QEMU_LD_PREFIX", "/usr/" + platform.triplet())
                : Map.of();
        return sandbox.run(inside, r.args(), env, TIMEOUT);
    }

    @Override
    public String confinement() {
        return sandbox != null ? sandbox.describe() : "no package program ran on this host; packages were installed"
                + " with --noscripts --notriggers";
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
        if (sandbox != null) {
            sandbox.close();
        }
        io.avalanche.rpm.ExitCleanup.deleteTree(root);
        io.avalanche.rpm.ExitCleanup.deleteTree(root.resolveSibling(root.getFileName() + "-fixture"));
    }
}
