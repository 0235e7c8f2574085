package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.validate.GlibcFixture;
import io.avalanche.rpm.validate.Tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A customer's machine for the tests: Debian's real dnf 4 with {@code --installroot}, the published .repo files
 * dropped into its repository directory exactly as published (gpgcheck=1, repo_gpgcheck=1, enabled as published),
 * and opt-in repositories enabled the way a customer does it ({@code --enablerepo}). A glibc stand-in package is
 * installed first, as the target's glibc.
 */
public final class DnfClient {
    private final Path root;
    private final Path repos;
    private final List<String> enabled;
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    private DnfClient(Path root, Path repos, List<String> enabled) {
        this.root = root;
        this.repos = repos;
        this.enabled = List.copyOf(enabled);
    }

    /** A fresh machine under {@code dir} that enables, beyond the defaults, the repositories named. */
    public static DnfClient create(Path dir, String... optIn) {
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path repos = Files.createDirectories(dir.resolve("yum.repos.d"));
            Path fixture = GlibcFixture.build("2.34", dir.resolve("fixture"));
            Tools.Run r = new DnfClient(root, repos, List.of()).dnf("install", fixture.toString());
            if (r.exitCode() != 0) {
                throw new AssertionError("dnf could not install the glibc stand-in:\n" + r.output());
            }
            return new DnfClient(root, repos, Arrays.asList(optIn));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies every published .repo file (as published) into this machine's repository directory. */
    public DnfClient useRepoFilesOf(Path publishedRoot) {
        try (var s = Files.list(publishedRoot)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".repo")).toList()) {
                Files.copy(f, repos.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Copies the .repo files given as bytes (from a store), by file name. */
    public DnfClient useRepoFiles(Map<String, byte[]> files) {
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Files.write(repos.resolve(e.getKey()), e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Runs dnf on this machine (fresh metadata every time: a customer after metadata_expire). Each run has a cache
     * directory of its own: for a file:// repository dnf reuses its solv cache when repomd.xml has the size and mtime
     * second it had (a rewrite within the same second), which an http customer, who compares checksums, never sees.
     */
    public Tools.Run dnf(String... args) {
        List<String> cmd = new ArrayList<>(List.of("dnf", "-y", "--installroot", root.toString(), "--releasever=9",
                "--setopt=reposdir=" + repos, "--setopt=cachedir=" + root.resolve("var/cache/dnf-" + RUNS.incrementAndGet()),
                "--setopt=metadata_expire=0", "--setopt=install_weak_deps=False", "--nodocs",
                "--setopt=keepcache=False"));
        // a customer opts in once the channel's .repo file is published
        enabled.stream().filter(e -> Files.isRegularFile(repos.resolve(e + ".repo")))
                .forEach(e -> cmd.add("--enablerepo=" + e));
        cmd.addAll(Arrays.asList(args));
        return Tools.run(root, Map.of(), cmd);
    }

    /** dnf that must succeed. */
    public String ok(String... args) {
        Tools.Run r = dnf(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("dnf " + String.join(" ", args) + " failed (" + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    /** The installed version-release of a package (rpm's database in the root), or null. */
    public String installed(String name) {
        Tools.Run r = Tools.run(root, Map.of(), List.of("rpm", "--root", root.toString(), "-q", "--qf",
                "%{VERSION}-%{RELEASE}", name));
        return r.exitCode() == 0 ? r.output().strip() : null;
    }

    /** Every version-release of a package the enabled repositories offer ({@code more}: repositories enabled too). */
    public List<String> offered(String name, String... more) {
        List<String> args = new ArrayList<>();
        for (String m : more) {
            args.add("--enablerepo=" + m);
        }
        args.addAll(List.of("-q", "repoquery", "--qf", "%{version}-%{release}", name));
        String out = ok(args.toArray(String[]::new));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0)))
                .sorted().toList();
    }
}
