package io.avalanche.rpm.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Test helper: tiny packages built by Debian rpmbuild, and rpm/rpmkeys as oracles in a private dbpath. */
public final class RpmFixtures {
    private RpmFixtures() {
    }

    /** Builds a noarch package NAME-1.0-1 holding one file of {@code payloadBytes} pseudo-random bytes. */
    public static Path build(Path work, String name, int payloadBytes) throws IOException {
        return build(work, name, payloadBytes, "noarch");
    }

    /** As {@link #build(Path, String, int)} for {@code buildArch} (noarch, or this machine's arch). */
    public static Path build(Path work, String name, int payloadBytes, String buildArch) throws IOException {
        Path top = Files.createDirectories(work.resolve("top-" + name));
        Files.createDirectories(top.resolve("SPECS"));
        String spec = String.join("\n",
                "Name: " + name, "Version: 1.0", "Release: 1", "Summary: test package " + name,
                "License: MIT", "BuildArch: " + buildArch, "%description", "test package", "%install",
                "mkdir -p %{buildroot}/opt/" + name,
                "head -c " + payloadBytes + " /dev/urandom > %{buildroot}/opt/" + name + "/data.bin",
                "%files", "/opt/" + name + "/data.bin", "");
        Path specFile = top.resolve("SPECS/" + name + ".spec");
        Files.writeString(specFile, spec, StandardCharsets.UTF_8);
        Proc.run(List.of("rpmbuild", "--define", "_topdir " + top, "--define", "_binary_payload w2.gzdio",
                "--define", "__os_install_post %{nil}",   // brp scripts: nothing here for them, ~0.3 s of CPU a build
                "-bb", specFile.toString()), work, Map.of(), null).ok();
        try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
            Path rpm = s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
            Path dest = work.resolve(name + ".rpm");
            Files.move(rpm, dest);
            return dest;
        }
    }

    /** A private rpm database with this public key imported. */
    public static Path dbWithKey(Path work, Path publicKey) throws IOException {
        Path db = Files.createTempDirectory(work, "rpmdb");
        Proc.run(List.of("rpmkeys", "--dbpath", db.toString(), "--import", publicKey.toString())).ok();
        return db;
    }

    /** rpm -vK against a private database. */
    public static Proc.Result verbose(Path db, Path rpm) {
        return Proc.run(List.of("rpm", "--dbpath", db.toString(), "-vK", rpm.toString()));
    }

    /** rpmkeys --checksig with signature enforcement; exit 0 only when signed by an imported key. */
    public static Proc.Result enforce(Path db, Path rpm) {
        return Proc.run(List.of("rpmkeys", "--dbpath", db.toString(), "--checksig",
                "--define", "_pkgverify_level signature", rpm.toString()));
    }

    /** A line like "Header V4 RSA/SHA256 Signature, key ID ...: OK" in either rpm's wording. */
    public static final java.util.regex.Pattern RSA_SHA256_OK =
            java.util.regex.Pattern.compile("(?im)^\\s*Header .*V4 RSA/SHA256 .*: OK\\s*$");
}
