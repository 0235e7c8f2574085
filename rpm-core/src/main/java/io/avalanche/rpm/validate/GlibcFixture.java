package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.Dependency;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The noarch package that stands in for the target's glibc in a scratch rpm root
 * ({@code Provides: glibc = VERSION}), written with our RpmWriter.
 */
public final class GlibcFixture {
    public static final String NAME = "rpm-release-glibc-provides";

    private GlibcFixture() {
    }

    /** Writes rpm-release-glibc-provides-VERSION.noarch.rpm into outDir and returns it. */
    public static Path build(String glibcVersion, Path outDir) {
        if (glibcVersion == null || !glibcVersion.matches("\\d+(\\.\\d+)+")) {
            throw new SpecException("--glibc '" + glibcVersion + "' is not a version like 2.34");
        }
        try {
            Path dir = Files.createDirectories(outDir);
            Path readme = Files.writeString(dir.resolve("README"),
                    "Stands in for glibc " + glibcVersion + " of the target system.\n");
            PackageSpec spec = PackageSpec.builder().name(NAME).version(glibcVersion).release("1")
                    .arch(Arch.NOARCH).summary("Stand-in for glibc " + glibcVersion)
                    .description("Registers glibc " + glibcVersion + " in a scratch rpm database.")
                    .license("MIT").buildTime(0).compression(Compression.parse("gzip"))
                    .provide(new Dependency("glibc", Dependency.EQUAL, glibcVersion))
                    .provide(Dependency.parse("rtld(GNU_HASH)"))
                    .file(new FileEntry(readme, "/usr/share/" + NAME + "/README", 0644)).build();
            return RpmWriter.write(spec, dir, NAME + "-" + glibcVersion + ".noarch.rpm");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the glibc fixture in " + outDir + ": " + IoErrors.why(e), e);
        }
    }
}
