package io.avalanche.rpm.testing;

import io.avalanche.rpm.write.ChangelogEntry;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Builds small, deterministic packages with our writer for tests. */
public final class TestPackages {
    public static final long BUILD_TIME = 1_700_000_000L;

    private TestPackages() {
    }

    /** Deterministic, somewhat compressible content of the given size. */
    public static Path content(Path dir, String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        Random r = new Random(seed);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (r.nextInt(100) < 70 ? 'a' + (i % 7) : r.nextInt(256));
        }
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    /** A spec of the avalanchego shape: one binary under /var/opt/avalanchego/bin. */
    public static PackageSpec.Builder spec(Path binary, Compression c) {
        return PackageSpec.builder().name("avalanchego").version("1.14.1").release("1").arch(Arch.X86_64)
                .summary("AvalancheGo node").description("The AvalancheGo node binary.")
                .license("BSD-3-Clause").url("https://github.com/ava-labs/avalanchego").vendor("Ava Labs")
                .packager("Ava Labs <security@avalabs.org>").buildTime(BUILD_TIME).compression(c)
                .require("glibc >= 2.34")
                .file(new FileEntry(binary, "/var/opt/avalanchego/bin/avalanchego", 0755))
                .changelog(new ChangelogEntry(BUILD_TIME, "Ava Labs <security@avalabs.org> - 1.14.1-1",
                        "- Release v1.14.1"));
    }

    /** Writes a package with the avalanchego shape and the given compression into dir. */
    public static Path avalanchego(Path dir, Compression c, int size) throws IOException {
        Path bin = content(dir.resolve("src"), "avalanchego", size, 42);
        return RpmWriter.write(spec(bin, c).build(), dir, "avalanchego-v1.14.1-x86_64.rpm");
    }

    /** A noarch package that provides "glibc = VERSION", standing in for the target's glibc. */
    public static Path glibcProvider(Path dir, String version) throws IOException {
        Path f = content(dir.resolve("glibc-src-" + version), "README", 64, 7);
        PackageSpec spec = PackageSpec.builder().name("glibc-provider").version(version).arch(Arch.NOARCH)
                .summary("Test stand-in for glibc " + version).buildTime(BUILD_TIME)
                .compression(Compression.parse("gzip"))
                .provide(new io.avalanche.rpm.write.Dependency("glibc", io.avalanche.rpm.write.Dependency.EQUAL,
                        version))
                .file(new FileEntry(f, "/usr/share/glibc-provider-" + version + "/README", 0644)).build();
        return RpmWriter.write(spec, dir, "glibc-provider-" + version + ".noarch.rpm");
    }

    /** Compiles a tiny C program printing avalanchego's version line into dir (gcc from the machine). */
    public static Path compileVersionBinary(Path dir, String name, String commit) throws IOException {
        Files.createDirectories(dir);
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, "#include <stdio.h>\nint main(void){puts(\"avalanchego/1.14.1 [database=v1.4.5, "
                + "rpcchainvm=44, commit=" + commit + ", go=1.23.4]\");return 0;}\n");
        Path out = dir.resolve(name);
        Cmd.run("gcc", "-O2", "-o", out.toString(), c.toString()).ok();
        return out;
    }

    /** The HEAD-shaped sample tree (upstream v1.14.2-rc.18 and later). */
    public static final String SAMPLE = "avalanchego-sample";
    /** The v1.14.1-shaped sample tree (subnet-evm build.sh without cd, older plugin --version format). */
    public static final String SAMPLE_V1_14_1 = "avalanchego-v1.14.1-sample";

    /** Copies examples/avalanchego-sample (found above the working directory) into dest, keeping modes. */
    public static Path copySample(Path dest) throws IOException {
        return copySample(dest, SAMPLE);
    }

    /** Copies examples/NAME (found above the working directory) into dest, keeping modes. */
    public static Path copySample(Path dest, String name) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("examples/" + name))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new AssertionError("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
        }
        Path from = root.resolve("examples/" + name);
        try (java.util.stream.Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dest.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dest;
    }

    /** git init, add and commit everything in dir, with a fixed author and date (2024-03-01T10:00:00Z). */
    public static void commitAll(Path dir) {
        java.util.Map<String, String> env = java.util.Map.of("GIT_AUTHOR_DATE", "2024-03-01T10:00:00Z",
                "GIT_COMMITTER_DATE", "2024-03-01T10:00:00Z");
        Cmd.run(java.util.List.of("git", "-C", dir.toString(), "init", "-q"), null, env).ok();
        Cmd.run(java.util.List.of("git", "-C", dir.toString(), "add", "-A"), null, env).ok();
        Cmd.run(java.util.List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@localhost",
                "commit", "-q", "-m", "sample"), null, env).ok();
    }

    /** The sample source tree as a fresh git repository in dest, its commit tagged v1.14.1 (as a release needs). */
    public static Path sampleRepo(Path dest) throws IOException {
        return sampleRepo(dest, SAMPLE, "v1.14.1");
    }

    /** examples/NAME as a fresh git repository in dest, its commit carrying these lightweight tags. */
    public static Path sampleRepo(Path dest, String name, String... tags) throws IOException {
        copySample(dest, name);
        commitAll(dest);
        for (String t : tags) {
            tag(dest, t);
        }
        return dest;
    }

    /** A lightweight tag at HEAD. */
    public static void tag(Path dir, String tag) {
        Cmd.run("git", "-C", dir.toString(), "tag", tag).ok();
    }
}
