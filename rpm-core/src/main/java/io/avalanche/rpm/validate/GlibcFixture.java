package io.avalanche.rpm.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds the noarch package that stands in for the target's glibc in a scratch rpm root
 * ({@code Provides: glibc = VERSION}), with rpmbuild in a temporary _topdir.
 */
public final class GlibcFixture {
    private GlibcFixture() {
    }

    /** Writes rpm-release-glibc-provides-VERSION-1.noarch.rpm into outDir and returns it. */
    public static Path build(String glibcVersion, Path outDir) {
        if (!glibcVersion.matches("\\d+(\\.\\d+)+")) {
            throw new io.avalanche.rpm.SpecException("--glibc '" + glibcVersion + "' is not a version like 2.34");
        }
        try {
            Path top = Files.createDirectories(outDir.resolve("glibc-fixture"));
            Path spec = top.resolve("glibc-provides.spec");
            Files.writeString(spec, String.join("\n",
                    "Name: rpm-release-glibc-provides",
                    "Version: " + glibcVersion,
                    "Release: 1",
                    "Summary: Stands in for glibc " + glibcVersion + " of the target system",
                    "License: MIT",
                    "BuildArch: noarch",
                    "AutoReqProv: no",
                    "Provides: glibc = " + glibcVersion,
                    "Provides: rtld(GNU_HASH)",
                    "%description",
                    "Registers glibc " + glibcVersion + " in a scratch rpm database.",
                    "%files",
                    ""));
            Exec.Result r = Exec.run(List.of("rpmbuild", "--define", "_topdir " + top.toAbsolutePath(),
                    "--define", "_build_id_links none", "-bb", spec.toString()), Map.of(), Duration.ofMinutes(5));
            if (!r.ok()) {
                throw new ValidationException("cannot build the glibc fixture package (" + r.describe() + "): "
                        + r.output().strip());
            }
            try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
                return s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow(
                        () -> new ValidationException("rpmbuild wrote no glibc fixture package under " + top));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the glibc fixture in " + outDir + ": " + e.getMessage(), e);
        }
    }
}
