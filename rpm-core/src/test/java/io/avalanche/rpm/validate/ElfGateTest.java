package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 item 15: the ELF gate reads every ELF file whatever its mode; a 0644 shared library needing GLIBC_2.36
 * fails it (the dynamic loader maps it all the same), as does a 0600 executable and a 0444 object.
 */
class ElfGateTest {
    @TempDir
    Path tmp;

    @Test
    void nonExecutableElfFilesAreGatedToo() throws IOException {
        Path bins = tmp.resolve("bin");
        Path node = TestBinaries.compile(bins, "avalanchego", TestReleases.COMMIT, TestBinaries.Kind.X86_64);
        Path lib = compile(bins, "libnew.so", "-shared", "-fPIC");
        Path quiet = TestBinaries.compile(bins, "helper", TestReleases.COMMIT, TestBinaries.Kind.NEW_GLIBC);
        Path object = compile(bins, "new.o", "-c");
        PackageSpec spec = PackageSpec.builder().name("avalanchego").version("1.14.1").arch(Arch.X86_64)
                .compression(Compression.parse("gzip")).buildTime(TestReleases.BUILD_TIME)
                .file(new FileEntry(node, "/var/opt/avalanchego/bin/avalanchego", 0755))
                .file(new FileEntry(lib, "/var/opt/avalanchego/lib/libnew.so", 0644))
                .file(new FileEntry(quiet, "/var/opt/avalanchego/bin/helper", 0600))
                .file(new FileEntry(object, "/var/opt/avalanchego/lib/new.o", 0444)).build();
        Path rpm = RpmWriter.write(spec, tmp, "avalanchego-v1.14.1-x86_64.rpm");

        ElfGate.Report r = new ElfGate("2.34").check(rpm, tmp.resolve("scratch"));

        assertThat(r.ok()).isFalse();
        assertThat(r.inspected()).hasSize(4);
        assertThat(String.join("\n", r.problems()))
                .contains("/var/opt/avalanchego/lib/libnew.so needs GLIBC_2.36")
                .contains("/var/opt/avalanchego/bin/helper needs GLIBC_2.36")
                .doesNotContain("/var/opt/avalanchego/bin/avalanchego needs");
        assertThat(new ElfGate("2.36").check(rpm, tmp.resolve("scratch2")).ok()).isTrue();
    }

    /** A C source calling arc4random (GLIBC_2.36), compiled with extra flags. */
    private static Path compile(Path dir, String name, String... flags) throws IOException {
        Path src = Files.writeString(dir.resolve(name + ".c"),
                "#include <stdlib.h>\nunsigned int pick(void) { return arc4random(); }\n");
        Path out = dir.resolve(name);
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gcc", "-O1"));
        cmd.addAll(java.util.List.of(flags));
        cmd.addAll(java.util.List.of("-o", out.toString(), src.toString()));
        Tools.ok(dir, java.util.Map.of(), cmd);
        return out;
    }
}
