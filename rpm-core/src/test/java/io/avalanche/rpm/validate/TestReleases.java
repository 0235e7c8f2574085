package io.avalanche.rpm.validate;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.publish.GpgDetachedSigner;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.AvalanchegoPreset;
import io.avalanche.rpm.testing.GpgKeygen;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Builds signed test releases (avalanchego + subnet-evm) with our writer and the avalanchego preset,
 * signed by rpmsign with a throw-away gpg key; variants break one thing each.
 */
public final class TestReleases {
    public static final String TAG = "v1.14.1";
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    public static final String VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";
    static final long BUILD_TIME = 1_700_000_000L;

    /** What to break in the release. */
    public enum Variant { GOOD, WRONG_COMMIT, MISSING_PLUGIN, TAMPERED, UNSIGNED, NEW_GLIBC, WRONG_ARCH }

    private final Path work;
    private final Path gnupg;

    /** Creates a gpg home (0700) under work and a signing key in it. */
    public TestReleases(Path work) {
        this.work = work;
        try {
            gnupg = Files.createDirectories(work.resolve("gnupg"));
            Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GpgKeygen.run(gnupg, List.of("--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                "--quick-gen-key", "Validate Test <validate@example.invalid>", "rsa2048", "sign", "1d"));
    }

    private Map<String, String> env() {
        return Map.of("GNUPGHOME", gnupg.toString());
    }

    /** Writes an x86_64 release directory (RPMs + RPM-GPG-KEY-avalanchego) for the variant. */
    public Path releaseDir(Variant v, String name) {
        return releaseDir(v, name, Arch.X86_64);
    }

    /** Writes a release directory of the arch (binaries cross-compiled where foreign) for the variant. */
    public Path releaseDir(Variant v, String name, Arch arch) {
        return releaseDir(v, name, arch, null);
    }

    /** A good x86_64 release whose avalanchego package carries {@code node} (e.g. a hostile program) instead. */
    public Path releaseDirWith(String name, Path node) {
        return releaseDir(Variant.GOOD, name, Arch.X86_64, node);
    }

    private Path releaseDir(Variant v, String name, Arch arch, Path nodeOverride) {
        try {
            Path dir = Files.createDirectories(work.resolve(name));
            Path bins = work.resolve(name + "-bin");
            Arch other = arch == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
            TestBinaries.Kind kind = switch (v) {
                case NEW_GLIBC -> TestBinaries.Kind.of(arch, true);
                case WRONG_ARCH -> TestBinaries.Kind.of(other, false);
                default -> TestBinaries.Kind.of(arch, false);
            };
            String commit = v == Variant.WRONG_COMMIT ? "fedcba9876543210fedcba9876543210fedcba98" : COMMIT;
            Path node = nodeOverride != null ? nodeOverride : TestBinaries.compile(bins, "avalanchego", commit, kind);
            Path plugin = TestBinaries.compile(bins, "subnet-evm", COMMIT, TestBinaries.Kind.of(arch, false));
            ReleaseTag tag = ReleaseTag.parse(TAG);
            Compression zstd = Compression.parse("zstd");
            Path a = v == Variant.WRONG_ARCH ? rpmbuildForeign(node, dir, bins, arch)
                    : RpmWriter.write(AvalanchegoPreset.avalanchego(tag, arch, node, BUILD_TIME, zstd), dir,
                    "avalanchego-" + TAG + "-" + arch.rpm() + ".rpm");
            PackageSpec evm = v == Variant.MISSING_PLUGIN
                    ? PackageSpec.builder().name("subnet-evm").version(tag.version()).release(tag.release())
                    .arch(arch).summary("Subnet-EVM without its plugin").buildTime(BUILD_TIME)
                    .compression(zstd).require("glibc >= 2.34")
                    .file(new FileEntry(Files.writeString(bins.resolve("README"), "no plugin\n"),
                            "/var/opt/avalanchego/subnet-evm.README", 0644)).build()
                    : AvalanchegoPreset.subnetEvm(tag, arch, plugin, VM_ID, BUILD_TIME, zstd);
            Path s = RpmWriter.write(evm, dir, "subnet-evm-" + TAG + "-" + arch.rpm() + ".rpm");
            if (v != Variant.UNSIGNED) {
                sign(a);
                sign(s);
            }
            if (v == Variant.TAMPERED) {
                flipLastByte(a);
            }
            Tools.ok(work, env(), List.of("gpg", "--batch", "--armor", "--output",
                    dir.resolve("RPM-GPG-KEY-avalanchego").toString(), "--export", "validate@example.invalid"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The same release published into a bucket directory with the real publisher, its yum repository signed by
     * the release key: DIR/linux/rpms/x86_64/*.rpm, repodata, the key and avalanchego.repo. A TAMPERED release is
     * published intact and then damaged in the bucket (a publisher may refuse a damaged package).
     */
    public Path bucketDir(Variant v, String name) {
        return bucketDir(v, name, Arch.X86_64);
    }

    /** The release of the arch published into a bucket directory (see {@link #bucketDir(Variant, String)}). */
    public Path bucketDir(Variant v, String name, Arch a) {
        Path rel = releaseDir(v == Variant.TAMPERED ? Variant.GOOD : v, name + "-rel", a);
        Path bucket = work.resolve(name);
        try (ObjectStore store = new FileStore(bucket)) {
            new Publisher(store, o -> { }, l -> { }).publish(rel, Publisher.Options.defaults(repoSigner())
                    .withTimestamp(BUILD_TIME));
        }
        if (v == Variant.TAMPERED) {
            try {
                flipLastByte(bucket.resolve("linux/rpms/" + a.rpm() + "/avalanchego-" + TAG + "-" + a.rpm() + ".rpm"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bucket;
    }

    /**
     * A release directory of the arch with the avalanchego-service package too: the avalanchego package holds the
     * sample stand-in (examples/, which runs as a node until signalled) and the service package carries
     * {@code unit} (null: the shipped unit) and {@code config} (null: the shipped config.json).
     */
    public Path serviceReleaseDir(String name, Arch arch, String unit, String config) {
        return serviceReleaseDir(name, arch, unit, config, TAG);
    }

    /** As {@link #serviceReleaseDir(String, Arch, String, String)} for another tag. */
    public Path serviceReleaseDir(String name, Arch arch, String unit, String config, String tagName) {
        try {
            Path dir = Files.createDirectories(work.resolve(name));
            Path bins = Files.createDirectories(work.resolve(name + "-bin"));
            Path src = ContainerEnv.repoRoot().resolve("examples/avalanchego-sample/main/avalanchego.c");
            Path node = bins.resolve("avalanchego");
            Tools.ok(bins, arch == Arch.host() ? "gcc" : (arch == Arch.AARCH64 ? "aarch64" : "x86_64")
                    + "-linux-gnu-gcc", "-O2", "-DGIT_COMMIT=\"" + COMMIT + "\"", "-o", node.toString(),
                    src.toString());
            Path plugin = TestBinaries.compile(bins, "subnet-evm", COMMIT, TestBinaries.Kind.of(arch, false));
            ReleaseTag tag = ReleaseTag.parse(tagName);
            Compression zstd = Compression.parse("zstd");
            Path a = RpmWriter.write(AvalanchegoPreset.avalanchego(tag, arch, node, BUILD_TIME, zstd), dir,
                    tag.fileName("avalanchego", arch));
            Path s = RpmWriter.write(AvalanchegoPreset.subnetEvm(tag, arch, plugin, VM_ID, BUILD_TIME, zstd), dir,
                    tag.fileName("subnet-evm", arch));
            String u = unit == null ? io.avalanche.rpm.release.AvalanchegoService.resource("avalanchego.service") : unit;
            String c = config == null ? io.avalanche.rpm.release.AvalanchegoService.resource("config.json") : config;
            Path v = RpmWriter.write(io.avalanche.rpm.release.AvalanchegoService.spec(tag, BUILD_TIME, zstd,
                    bins.resolve("service"), c, u), dir, tag.fileName(ReleaseRef.SERVICE, Arch.NOARCH));
            for (Path p : List.of(a, s, v)) {
                sign(p);
            }
            Tools.ok(work, env(), List.of("gpg", "--batch", "--armor", "--output",
                    dir.resolve("RPM-GPG-KEY-avalanchego").toString(), "--export", "validate@example.invalid"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes a release directory into a bucket directory (a signed yum repository per arch), as release does. */
    public void publish(Path releaseDir, Path bucket) {
        try (ObjectStore store = new FileStore(bucket)) {
            new Publisher(store, o -> { }, l -> { }).publish(releaseDir, Publisher.Options.defaults(repoSigner())
                    .withTimestamp(BUILD_TIME));
        }
    }

    /** The release key's public part (what a validator pins with --key), exported once into the work directory. */
    public Path publicKey() {
        Path f = work.resolve("RPM-GPG-KEY-expected");
        if (!Files.exists(f)) {
            Tools.ok(work, env(), List.of("gpg", "--batch", "--armor", "--output", f.toString(), "--export",
                    "validate@example.invalid"));
        }
        return f;
    }

    /** Signs repodata/repomd.xml with the release key, through gpg as a release engineer's machine would. */
    public DetachedSigner repoSigner() {
        return new GpgDetachedSigner("validate@example.invalid", env());
    }

    /** Signs a package with the release key (rpmsign through gpg). */
    public void sign(Path rpm) {
        Tools.ok(work, env(), List.of("rpmsign", "--addsign", "--define", "__gpg /usr/bin/gpg",
                "--define", "_gpg_path " + gnupg, "--define", "_gpg_name validate@example.invalid", rpm.toString()));
    }

    private static void flipLastByte(Path f) throws IOException {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(r.length() - 1);
            int b = r.read();
            r.seek(r.length() - 1);
            r.write(b ^ 0xff);
        }
    }

    /**
     * avalanchego-1.14.1 built by rpmbuild with the real program at its place plus {@code scriptlets} (spec lines such
     * as "%pre -p <lua>" and its body), signed with the release key, written as {@code out} (replacing it).
     */
    public Path rpmbuildWithScriptlets(Path out, String label, String... scriptlets) {
        try {
            Path scratch = Files.createDirectories(work.resolve("scriptlets-" + label));
            Path node = TestBinaries.compile(scratch, "avalanchego", COMMIT, TestBinaries.Kind.X86_64);
            Path top = Files.createDirectories(scratch.resolve("rpmbuild"));
            Path spec = top.resolve("avalanchego.spec");
            List<String> lines = new java.util.ArrayList<>(List.of(
                    "%global __os_install_post %{nil}", "%global debug_package %{nil}",
                    "%global _build_id_links none", "Name: avalanchego", "Version: 1.14.1", "Release: 1",
                    "Summary: avalanchego with scriptlets", "License: BSD-3-Clause", "AutoReqProv: no",
                    "Requires: glibc >= 2.34", "%description", "Test package.", "%install",
                    "install -D -m 0755 " + node + " %{buildroot}/var/opt/avalanchego/bin/avalanchego", "%files",
                    "/var/opt/avalanchego/bin/avalanchego"));
            lines.addAll(List.of(scriptlets));
            lines.add("");
            Files.writeString(spec, String.join("\n", lines));
            Tools.ok(work, Map.of(), List.of("rpmbuild", "--define", "_topdir " + top, "--target", "x86_64",
                    "-bb", spec.toString()));
            Path built = top.resolve("RPMS/x86_64/avalanchego-1.14.1-1.x86_64.rpm");
            Files.move(built, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            sign(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Our writer refuses a foreign ELF, so the wrong-arch package comes from rpmbuild. */
    private Path rpmbuildForeign(Path binary, Path outDir, Path scratch, Arch arch) throws IOException {
        Path top = Files.createDirectories(scratch.resolve("rpmbuild"));
        Path spec = top.resolve("avalanchego.spec");
        Files.writeString(spec, String.join("\n",
                "%global __os_install_post %{nil}",
                "%global debug_package %{nil}",
                "%global _build_id_links none",
                "Name: avalanchego",
                "Version: 1.14.1",
                "Release: 1",
                "Summary: avalanchego with a binary for the wrong machine",
                "License: BSD-3-Clause",
                "AutoReqProv: no",
                "Requires: glibc >= 2.34",
                "%description",
                "Test package.",
                "%install",
                "install -D -m 0755 " + binary + " %{buildroot}/var/opt/avalanchego/bin/avalanchego",
                "%files",
                "/var/opt/avalanchego/bin/avalanchego",
                ""));
        Tools.ok(work, Map.of(), List.of("rpmbuild", "--define", "_topdir " + top, "--target", arch.rpm(),
                "-bb", spec.toString()));
        Path built = top.resolve("RPMS/" + arch.rpm() + "/avalanchego-1.14.1-1." + arch.rpm() + ".rpm");
        return Files.copy(built, outDir.resolve("avalanchego-" + TAG + "-" + arch.rpm() + ".rpm"));
    }
}
