package io.avalanche.rpm.validate;

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
            Exec.Result init = Exec.run(t.rpm("rpm", "--initdb"), Map.of(), TIMEOUT);
            if (!init.ok()) {
                throw new ValidationException("cannot create an rpm database in " + root + " (" + init.describe()
                        + "): " + init.output().strip());
            }
            Path fixture = GlibcFixture.build(glibcVersion, root.resolveSibling(root.getFileName() + "-fixture"));
            List<String> cmd = t.rpm("rpm", "-i", "--nosignature");
            cmd.add(fixture.toString());
            Exec.Result r = Exec.run(cmd, Map.of(), TIMEOUT);
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
    public Exec.Result importKey(Path key) {
        return Exec.run(rpm("rpmkeys", "--import", key.toAbsolutePath().toString()), Map.of(), TIMEOUT);
    }

    @Override
    public Exec.Result checkSignature(Path rpm) {
        return Exec.run(rpm("rpm", "-K", rpm.toAbsolutePath().toString()), Map.of(), TIMEOUT);
    }

    @Override
    public Exec.Result install(List<Path> rpms) {
        List<String> cmd = rpm("rpm", "-ivh", "--define", "_pkgverify_level signature");
        if (platform.emulated()) {
            cmd.add("--ignorearch");
        }
        rpms.forEach(p -> cmd.add(p.toAbsolutePath().toString()));
        return Exec.run(cmd, Map.of(), TIMEOUT);
    }

    @Override
    public Exec.Result run(String path, String... args) {
        List<String> cmd = new ArrayList<>(List.of(hostPath(path).toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = platform.emulated() ? Map.of("QEMU_LD_PREFIX", "/usr/" + platform.triplet())
                : Map.of();
        return Exec.run(cmd, env, TIMEOUT);
    }

    @Override
    public Exec.Result isExecutable(String path) {
        Path p = hostPath(path);
        boolean ok = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(p);
        String why = !Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "no such file"
                : ok ? "executable" : "not an executable regular file";
        return new Exec.Result(List.of("test", "-x", path), ok ? 0 : 1, p + ": " + why);
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
