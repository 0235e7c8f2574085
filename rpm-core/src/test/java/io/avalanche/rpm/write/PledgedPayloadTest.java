package io.avalanche.rpm.write;

import com.github.luben.zstd.Zstd;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** zstd is told the payload's exact size before its first byte; rpm still reads the result, byte for byte the same twice. */
class PledgedPayloadTest {
    @TempDir
    Path tmp;

    @Test
    void cpioSizeIsKnownBeforeWriting() throws IOException {
        Random r = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<String> names = new ArrayList<>();
            long[] sizes = new long[r.nextInt(6)];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CpioWriter w = new CpioWriter(out);
            for (int i = 0; i < sizes.length; i++) {
                String name = "./" + "dir/é".repeat(r.nextInt(4)) + "f".repeat(r.nextInt(9));
                names.add(name);
                boolean dir = r.nextBoolean();
                sizes[i] = dir ? -1 : r.nextInt(20);
                w.header(name, dir ? 040755 : 0100644, i + 1, 1, 0, Math.max(0, sizes[i]));
                if (!dir) {
                    w.data(new byte[(int) sizes[i]], 0, (int) sizes[i]);
                    w.endData();
                }
            }
            w.finish();
            assertThat(CpioWriter.size(names, sizes)).as(names + " " + Arrays.toString(sizes))
                    .isEqualTo(w.written()).isEqualTo(out.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd:19", "zstd:3"})
    void theFrameDeclaresThePayloadSizeAndRpmReadsIt(String compression) throws Exception {
        Path bin = TestPackages.content(tmp.resolve("src"), "avalanchego", 70_000, 42);
        Path a = RpmWriter.write(TestPackages.spec(bin, Compression.parse(compression)).build(), tmp.resolve("a"),
                "p.rpm");
        Path b = RpmWriter.write(TestPackages.spec(bin, Compression.parse(compression)).build(), tmp.resolve("b"),
                "p.rpm");
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));

        Path cpio = tmp.resolve("payload.cpio");
        Cmd.run("sh", "-c", "rpm2cpio \"$1\" > \"$2\"", "sh", a.toString(), cpio.toString()).ok();
        RpmPackage pkg = RpmReader.read(a);
        byte[] frame;
        try (InputStream in = Files.newInputStream(a)) {
            in.skipNBytes(pkg.payloadOffset());
            frame = in.readNBytes(32);
        }
        assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(Files.size(cpio)).isGreaterThan(70_000);
        assertThat(Cmd.run("rpm", "-Kv", "--nosignature", a.toString()).ok().output())
                .contains("Payload SHA256 digest: OK").doesNotContain("BAD");
    }

    @Test
    void aPayloadThatDoesNotMatchTheAnnouncedSizeFails() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ZstdPayloadStream z = new ZstdPayloadStream(out, Compression.parse("zstd:3"), 10, 0);
        z.write(new byte[5]);
        assertThatThrownBy(z::close).isInstanceOf(IOException.class).hasMessageContaining("5 of the 10");
    }
}
