package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.RpmException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a release's programs on this host confined, with util-linux only (unshare, nsenter, setpriv, mount): a
 * holder process owns new mount, PID, network (no interface up), IPC and UTS namespaces (plus a user namespace when
 * not run as root); inside it a fresh tmpfs becomes the root, holding read-only, nosuid, nodev binds of the host's
 * /usr, a few /etc files the dynamic loader needs, the installed package directories and /dev/null, zero, full,
 * random and urandom, a private /tmp, and (as root only) the namespace's /proc. Each program runs chrooted there
 * with no capabilities, no_new_privs, an empty environment, and as uid 65534 when run as root. Closing kills every
 * process of the namespaces with the holder.
 */
final class HostSandbox implements AutoCloseable {
    static final int NOBODY = 65534;
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration HOLDER_LIFETIME = Duration.ofHours(2);
    /** How long closing waits for the namespace's processes to be gone. */
    private static final Duration TEARDOWN = Duration.ofSeconds(10);
    private static final Set<String> HOST_DIRS = Set.of("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64",
            "libx32", "proc", "dev", "tmp", "sys", "run");
    private static final List<String> ETC = List.of("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group",
            "nsswitch.conf", "hosts", "localtime");
    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom");

    private final Process holder;
    private final long pid;
    /** The namespace's init (the holder's child), taken when it was found: a reused PID is not mistaken for it. */
    private final ProcessHandle init;
    private final Path newRoot;
    private final boolean root;
    private final Thread hook;

    private HostSandbox(Process holder, long pid, Path newRoot, boolean root, Thread hook) {
        this.holder = holder;
        this.pid = pid;
        this.init = ProcessHandle.of(pid).orElse(null);
        this.newRoot = newRoot;
        this.root = root;
        this.hook = hook;
    }

    /** True when this JVM runs as root (then programs run as uid 65534; otherwise in a user namespace). */
    static boolean runningAsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .findFirst().map(l -> l.split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Builds the confined tree for the packages installed under {@code installed} on an empty directory {@code at}
     * (created; removed on close); {@code asRoot} says how to confine (see {@link #runningAsRoot}). Throws
     * ConfinementException naming what is missing when namespaces cannot be made here.
     */
    static HostSandbox open(Path installed, Path at, boolean asRoot) {
        Path top = at.toAbsolutePath();
        try {
            Files.createDirectories(top);
        } catch (IOException e) {
            throw new UncheckedIOException(top + ": cannot create the sandbox root: " + IoErrors.why(e), e);
        }
        Process p = startHolder(top.resolveSibling(top.getFileName() + ".log"), asRoot);
        Thread hook = new Thread(() -> end(p, null), "sandbox-holder");
        Runtime.getRuntime().addShutdownHook(hook);
        HostSandbox s = null;
        try {
            s = new HostSandbox(p, holderPid(p, top.resolveSibling(top.getFileName() + ".log")), top, asRoot, hook);
            s.build(installed.toAbsolutePath());
            return s;
        } catch (RuntimeException e) {
            if (s != null) {
                s.close();
            } else {
                p.destroyForcibly();
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            throw e;
        }
    }

    private static Process startHolder(Path log, boolean asRoot) {
        List<String> cmd = new ArrayList<>(List.of("unshare"));
        if (!asRoot) {
            cmd.addAll(List.of("--user", "--map-root-user"));
        }
        cmd.addAll(List.of("--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--net", "--ipc",
                "--uts", "--", "sleep", Long.toString(HOLDER_LIFETIME.toSeconds())));
        Process p;
        try {
            p = ProcessRunner.of(cmd).start(log);
        } catch (RpmException e) {
            if (e.getCause() instanceof IOException io) {
                throw new ConfinementException("cannot run unshare (util-linux): " + io.getMessage());
            }
            throw e;   // the JVM is stopping
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // it needs no input; its exit tells whether it runs
        }
        return p;
    }

    /** The host PID of the holder's child once it runs sleep: then its namespaces and private mounts exist. */
    private static long holderPid(Process p, Path log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new ConfinementException("cannot create namespaces for the smoke test (" + read(log).strip()
                        + "): run as root, or allow unprivileged user namespaces (sysctl user.max_user_namespaces),"
                        + " or validate in a container instead of --local");
            }
            Optional<ProcessHandle> child = p.toHandle().children().findFirst();
            if (child.isPresent() && read(Path.of("/proc/" + child.get().pid() + "/cmdline")).startsWith("sleep")) {
                return child.get().pid();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfinementException("interrupted while creating the sandbox");
            }
        }
        throw new ConfinementException("the sandbox's namespaces did not come up within 20 s (" + read(log).strip()
                + ")");
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void build(Path installed) {
        String r = newRoot.toString();
        step("mount", "-t", "tmpfs", "-o", "mode=0755,size=64m,nosuid,nodev", "tmpfs", r);
        List<String> dirs = new ArrayList<>(List.of("mkdir", "-p", r + "/usr", r + "/etc", r + "/tmp", r + "/dev",
                r + "/proc"));
        List<String> packageDirs = topDirs(installed);
        packageDirs.forEach(d -> dirs.add(r + "/" + d));
        step(dirs.toArray(String[]::new));
        bind("/usr", r + "/usr");
        for (String l : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
            mirror("/" + l, r);
        }
        for (String e : ETC) {
            mirror("/etc/" + e, r);
        }
        for (String d : DEVICES) {
            step("touch", r + "/dev/" + d);
            step("mount", "--bind", "/dev/" + d, r + "/dev/" + d);
        }
        step("ln", "-s", "/proc/self/fd", r + "/dev/fd");
        step("mount", "-t", "tmpfs", "-o", "mode=1777,size=64m,nosuid,nodev", "tmpfs", r + "/tmp");
        for (String d : packageDirs) {
            bind(installed.resolve(d).toString(), r + "/" + d);
        }
        if (root) {
            List<String> proc = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "-p", "--",
                    "mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", r + "/proc"));
            ok(exec(proc, STEP));
        }
        step("mount", "-o", "remount,bind,ro", r);
    }

    /** The installed top-level directories that are not taken from the host (var, opt, ...). */
    private static List<String> topDirs(Path installed) {
        try (Stream<Path> s = Files.list(installed)) {
            return s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(io.avalanche.rpm.PathNames::name).filter(n -> !HOST_DIRS.contains(n)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(installed + ": cannot list the installed tree: " + IoErrors.why(e), e);
        }
    }

    /**
     * Mirrors the host's {@code path} at the same place under {@code r}: a link as the same link, a directory or a file
     * bound read-only; nothing where the host has none.
     */
    private void mirror(String path, String r) {
        Path host = Path.of(path);
        String at = r + path;
        if (Files.isSymbolicLink(host)) {
            step("ln", "-s", readLink(host), at);
        } else if (Files.isDirectory(host)) {
            step("mkdir", at);
            bind(path, at);
        } else if (Files.isRegularFile(host)) {
            step("touch", at);
            bind(path, at);
        }
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read the link: " + IoErrors.why(e), e);
        }
    }

    private void bind(String from, String to) {
        step("mount", "--bind", from, to);
        step("mount", "-o", "remount,bind,ro,nosuid,nodev", to);
    }

    private List<String> enter(boolean all) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid)));
        if (!root) {
            cmd.addAll(List.of("-U", "--preserve-credentials"));
        }
        cmd.add("-m");
        if (all) {
            cmd.addAll(List.of("-p", "-n", "-i", "-u"));
        }
        cmd.add("--");
        return cmd;
    }

    private void step(String... args) {
        List<String> cmd = enter(false);
        cmd.addAll(List.of(args));
        ok(exec(cmd, STEP));
    }

    private static ProcessRunner.Result exec(List<String> cmd, Duration timeout) {
        return ProcessRunner.of(cmd).timeout(timeout).maxOutput(LocalTarget.MAX_OUTPUT).run();
    }

    private static void ok(ProcessRunner.Result r) {
        if (!r.ok()) {
            throw new ConfinementException("cannot build the smoke test's sandbox (" + r.describe() + "): "
                    + r.output().strip());
        }
    }

    /** Runs {@code path} (absolute, inside the installed tree) confined, with only {@code env} in its environment. */
    ProcessRunner.Result run(String path, List<String> args, Map<String, String> env, Duration timeout) {
        List<String> cmd = enter(true);
        cmd.addAll(List.of("chroot", newRoot.toString(), "/usr/bin/setpriv"));
        if (root) {
            cmd.addAll(List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        cmd.addAll(List.of("--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", "/usr/bin/env", "-i",
                "PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add(path);
        cmd.addAll(args);
        ProcessRunner.Result r = exec(cmd, timeout);
        return new ProcessRunner.Result(r.command().subList(r.command().size() - 1 - args.size(), r.command().size()),
                r.exitCode(), r.output());
    }

    /** The init of the sandbox's PID namespace (for tests). */
    ProcessHandle namespaceInit() {
        return init;
    }

    /** For reports: what confined the programs. */
    String describe() {
        return "smoke programs ran confined on this host: " + (root ? "as uid " + NOBODY + " (nobody)"
                : "as this unprivileged user, mapped to root in a new user namespace,") + " with no capabilities and"
                + " no_new_privs, in new mount, PID, network (no interface up), IPC and UTS namespaces, chrooted into"
                + " a read-only tree of the host's /usr, a few /etc files and the installed package directories"
                + " (nosuid, nodev), with a private /tmp" + (root ? " and /proc" : " and no /proc")
                + " and an empty environment; every process they started was killed afterwards";
    }

    @Override
    public void close() {
        end(holder, init);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down and runs the hook itself
        }
        io.avalanche.rpm.ExitCleanup.deleteTree(newRoot);
        io.avalanche.rpm.ExitCleanup.deleteTree(newRoot.resolveSibling(newRoot.getFileName() + ".log"));
    }

    /**
     * Kills the holder and its namespace's init, then waits (at most {@link #TEARDOWN}, even when interrupted) until
     * that init has finished dying: the kernel lets it go only after every process of its PID namespace was reaped,
     * so none of the programs, not even as a zombie, outlives the sandbox (a JVM that exits right after, on SIGINT,
     * leaves nothing running). {@code init} is that init when known (null: the holder's children).
     */
    private static void end(Process holder, ProcessHandle init) {
        Set<ProcessHandle> all = new java.util.LinkedHashSet<>(holder.toHandle().children().toList());
        if (init != null) {
            all.add(init);
        }
        all.add(holder.toHandle());
        ProcessRunner.kill(all, TEARDOWN);
    }

    /** The exit status a target records for a program it did not run because it could not confine it. */
    static final int NOT_CONFINED = -2;

    /** The sandbox cannot be made here: the smoke test could not run (an environment error, nothing ran). */
    static final class ConfinementException extends ValidationException {
        private static final long serialVersionUID = 1L;

        ConfinementException(String message) {
            super(message);
        }
    }
}
