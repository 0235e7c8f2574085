package io.avalanche.rpm.write;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digests the writer computes on its hashing thread (per-file SHA-256, payload SHA-256 of the compressed and
 * of the uncompressed archive), for files that are empty, one byte, exactly one pooled buffer, spanning several
 * buffers and many small ones, judged by rpm (-K, --qf FILEDIGESTS, an install and rpm -V) and rpm2cpio.
 */
class PayloadHashingOracleTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private List<Path> sources() throws Exception {
        Random r = new Random(42);
        List<Path> files = new ArrayList<>();
        int[] sizes = {0, 1, MIB, MIB + 1, 5 * MIB + 3, 3};
        for (int i = 0; i < sizes.length; i++) {
            byte[] b = new byte[sizes[i]];
            r.nextBytes(b);
            for (int j = 0; j < b.length; j += 7) {
                b[j] = 0; // compressible runs
            }
            Path p = tmp.resolve("src/f" + i);
            Files.createDirectories(p.getParent());
            files.add(Files.write(p, b));
        }
        for (int i = 0; i < 40; i++) {
            files.add(Files.writeString(tmp.resolve("src/small" + i), "file " + i + "\n".repeat(i)));
        }
        return files;
    }

    private Path build(String compression, int workers) throws Exception {
        PackageSpec.Builder b = PackageSpec.builder().name("hashcheck").version("1.0").arch(Arch.NOARCH)
                .buildTime(1700000000L).compression(Compression.parse(compression).withWorkers(workers));
        for (Path p : sources()) {
            b.file(new FileEntry(p, "/opt/hashcheck/" + p.getFileName(), 0644));
        }
        return RpmWriter.write(b.build(), tmp.resolve("out"), "hashcheck-1.0-1.noarch.rpm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd:3/1", "zstd:3/2", "zstd:12/2", "gzip/0", "none/0"})
    void rpmAgreesWithEveryDigest(String setting) throws Exception {
        Cmd.requireTool("rpm");
        String[] s = setting.split("/");
        Path rpm = build(s[0], Integer.parseInt(s[1]));

        String k = Cmd.run("rpm", "-Kv", "--nosignature", "--dbpath", tmp.resolve("db").toString(), rpm.toString())
                .ok().output();
        assertThat(k).contains("Header SHA256 digest: OK").contains("Payload SHA256 digest: OK")
                .doesNotContain("BAD");

        String alt = Cmd.run("rpm", "-qp", "--qf", "%{PAYLOADDIGESTALT}", rpm.toString()).ok().output().trim();
        String cpioSha = Cmd.run(List.of("sh", "-c", "rpm2cpio \"$1\" | sha256sum", "sh", rpm.toString()), tmp, Map.of())
                .ok().output().trim().split("\\s+")[0];
        assertThat(alt).as("PAYLOADDIGESTALT is the SHA-256 of the archive rpm2cpio extracts").isEqualTo(cpioSha);

        String listed = Cmd.run("rpm", "-qp", "--qf", "[%{FILENAMES} %{FILEDIGESTS}\\n]", rpm.toString()).ok().output();
        for (Path p : sources()) {
            assertThat(listed).contains("/opt/hashcheck/" + p.getFileName() + " " + sha256(p));
        }

        Path root = tmp.resolve("root");
        Cmd.run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--initdb").ok();
        Cmd.Result install = Cmd.run(List.of("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-i",
                "--nosignature", "--nodeps", rpm.toString()), tmp, Map.of());
        assertThat(install.exitCode()).as(install.output()).isZero();
        String verify = Cmd.run(List.of("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-V",
                "hashcheck"), tmp, Map.of()).output();
        assertThat(verify.lines().filter(l -> l.length() > 2 && l.charAt(2) == '5'))
                .as("rpm -V reports no file whose digest changed:\n" + verify).isEmpty();
        assertThat(Files.readAllBytes(root.resolve("opt/hashcheck/f4"))).isEqualTo(Files.readAllBytes(tmp.resolve("src/f4")));
    }

    @Test
    void sameBytesWhateverTheWorkerCountAboveOne() throws Exception {
        byte[] two = Files.readAllBytes(build("zstd:3", 2));
        byte[] four = Files.readAllBytes(build("zstd:3", 4));
        assertThat(four).isEqualTo(two);
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
