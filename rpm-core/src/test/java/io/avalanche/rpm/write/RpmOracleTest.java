package io.avalanche.rpm.write;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Our packages, judged by Debian's rpm, rpm2cpio, cpio and rpmlint (tools we did not write). */
class RpmOracleTest {
    @TempDir
    static Path shared;
    static Path binary;
    static Path glibc234;
    static Path glibc228;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fixtures() throws Exception {
        binary = TestPackages.compileVersionBinary(shared.resolve("bin"), "avalanchego", "0123456789abcdef");
        glibc234 = TestPackages.glibcProvider(shared.resolve("g234"), "2.34");
        glibc228 = TestPackages.glibcProvider(shared.resolve("g228"), "2.28");
    }

    private Path build(String compression) {
        return RpmWriter.write(TestPackages.spec(binary, Compression.parse(compression)).build(), tmp,
                "avalanchego-v1.14.1-x86_64.rpm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd:3", "zstd:19", "xz", "gzip", "none"})
    void rpmQueriesAgree(String compression) {
        Path rpm = build(compression);
        String q = Cmd.run("rpm", "-qp", "--qf", "%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{PAYLOADCOMPRESSOR}|"
                + "%{LICENSE}|%{SOURCERPM}\\n", rpm.toString()).ok().output();
        String expectedCompressor = compression.startsWith("zstd") ? "zstd" : compression.equals("none") ? "(none)"
                : compression;
        assertThat(q).contains("avalanchego|1.14.1|1|x86_64|" + expectedCompressor
                + "|BSD-3-Clause|avalanchego-1.14.1-1.src.rpm");

        String req = Cmd.run("rpm", "-qp", "--requires", rpm.toString()).ok().output();
        assertThat(req).contains("glibc >= 2.34", "rpmlib(CompressedFileNames) <= 3.0.4-1",
                "rpmlib(FileDigests) <= 4.6.0-1", "rpmlib(PayloadFilesHavePrefix) <= 4.0-1");
        if (compression.startsWith("zstd")) {
            assertThat(req).contains("rpmlib(PayloadIsZstd) <= 5.4.18-1");
        }
        if (compression.equals("xz")) {
            assertThat(req).contains("rpmlib(PayloadIsXz) <= 5.2-1");
        }
        String prov = Cmd.run("rpm", "-qp", "--provides", rpm.toString()).ok().output();
        assertThat(prov).contains("avalanchego = 1.14.1-1", "avalanchego(x86-64) = 1.14.1-1");

        String list = Cmd.run("rpm", "-qlvp", rpm.toString()).ok().output();
        assertThat(list).containsPattern("-rwxr-xr-x +1 root +root .* /var/opt/avalanchego/bin/avalanchego")
                .containsPattern("drwxr-xr-x +\\d+ root +root .* /var/opt/avalanchego/bin\\n")
                .containsPattern("drwxr-xr-x +\\d+ root +root .* /var/opt/avalanchego\\n")
                .doesNotContainPattern(" /var/opt\\n").doesNotContainPattern(" /var\\n");

        String k = Cmd.run("rpm", "-Kv", "--dbpath", tmp.resolve("db").toString(), rpm.toString()).ok().output();
        assertThat(k).contains("Header SHA256 digest: OK").contains("Payload SHA256 digest: OK")
                .doesNotContain("BAD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd:3", "xz", "gzip", "none"})
    void rpm2cpioExtractsIdenticalFiles(String compression) throws Exception {
        Path rpm = build(compression);
        Path cpio = tmp.resolve("payload.cpio");
        Path out = Files.createDirectories(tmp.resolve("x"));
        Cmd.run(List.of("sh", "-c", "rpm2cpio \"$1\" > \"$2\"", "sh", rpm.toString(), cpio.toString()))
                .ok();
        Cmd.run(List.of("sh", "-c", "cpio -idm --quiet < \"$1\"", "sh", cpio.toString()), out, Map.of()).ok();
        Path extracted = out.resolve("var/opt/avalanchego/bin/avalanchego");
        assertThat(Files.readAllBytes(extracted)).isEqualTo(Files.readAllBytes(binary));
        assertThat(Files.isExecutable(extracted)).isTrue();
        long archiveSize = Long.parseLong(Cmd.run("rpm", "-qp", "--qf", "%{ARCHIVESIZE}", rpm.toString()).ok()
                .output().trim());
        assertThat(archiveSize).as("PAYLOADSIZE (1007) is the uncompressed cpio size").isEqualTo(Files.size(cpio));
    }

    @Test
    void rpmlintFindsNoErrorsButTheMissingSignature() {
        Path rpm = build("zstd:19");
        String lint = Cmd.run("rpmlint", rpm.toString()).output();
        List<String> errors = lint.lines().filter(l -> l.contains(": E: ")).toList();
        // signing is a separate step (SignedPackageOracleTest lints signed packages to zero errors)
        assertThat(errors).as(lint).containsExactly("avalanchego.x86_64: E: no-signature");
    }

    @Test
    void installsOnlyWhenGlibcIsNewEnough() {
        Path rpm = build("zstd:3");
        Path ok = tmp.resolve("root-ok");
        Cmd.run("rpm", "--root", ok.toString(), "--dbpath", "/var/lib/rpm", "--initdb").ok();
        Cmd.run("rpm", "--root", ok.toString(), "--dbpath", "/var/lib/rpm", "-i", "--nosignature",
                glibc234.toString()).ok();
        Cmd.run("rpm", "--root", ok.toString(), "--dbpath", "/var/lib/rpm", "-ivh", "--nosignature",
                rpm.toString()).ok();
        assertThat(ok.resolve("var/opt/avalanchego/bin/avalanchego")).isExecutable();
        String v = Cmd.run(ok.resolve("var/opt/avalanchego/bin/avalanchego").toString()).ok().output();
        assertThat(v).startsWith("avalanchego/1.14.1").contains("commit=0123456789abcdef");

        Path old = tmp.resolve("root-old");
        Cmd.run("rpm", "--root", old.toString(), "--dbpath", "/var/lib/rpm", "--initdb").ok();
        Cmd.run("rpm", "--root", old.toString(), "--dbpath", "/var/lib/rpm", "-i", "--nosignature",
                glibc228.toString()).ok();
        Cmd.Result r = Cmd.run("rpm", "--root", old.toString(), "--dbpath", "/var/lib/rpm", "-ivh",
                "--nosignature", rpm.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("glibc >= 2.34 is needed by avalanchego-1.14.1-1.x86_64");
    }

    @Test
    void sameInputsAndSourceDateGiveIdenticalBytes() throws Exception {
        Path a = RpmWriter.write(TestPackages.spec(binary, Compression.parse("zstd:19")).build(),
                tmp.resolve("a"), "p.rpm");
        Path b = RpmWriter.write(TestPackages.spec(binary, Compression.parse("zstd:19")).build(),
                tmp.resolve("b"), "p.rpm");
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        Path c = RpmWriter.write(TestPackages.spec(binary, Compression.parse("zstd:19")).buildTime(
                TestPackages.BUILD_TIME + 1).build(), tmp.resolve("c"), "p.rpm");
        assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
    }
}
