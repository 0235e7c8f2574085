package io.avalanche.rpm.format;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.testing.TestPackages;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile input: thousands of mutated and truncated packages give only typed errors. */
class RpmReaderFuzzTest {
    @TempDir
    Path tmp;

    private static int parse(byte[] b) {
        try {
            RpmReader.read(new SeekableInMemoryByteChannel(b), "fuzz.rpm");
            return 0;
        } catch (RpmFormatException e) {
            assertThat(e.getMessage()).startsWith("fuzz.rpm");
            return 1;
        } catch (Exception | Error e) {
            throw new AssertionError("untyped failure " + e + " on input of " + b.length + " bytes", e);
        }
    }

    @Test
    void mutationsAndTruncationsGiveTypedErrorsOnly() throws Exception {
        byte[] good = Files.readAllBytes(TestPackages.avalanchego(tmp, Compression.parse("gzip"), 4000));
        RpmPackage p = RpmReader.read(new SeekableInMemoryByteChannel(good), "good");
        int headerEnd = (int) p.payloadOffset();
        Random r = new Random(1234);
        int rejected = 0;
        int runs = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = good.clone();
            int flips = 1 + r.nextInt(4);
            for (int k = 0; k < flips; k++) {
                b[r.nextInt(headerEnd)] = (byte) r.nextInt(256);
            }
            rejected += parse(b);
            runs++;
        }
        for (int len = 0; len < headerEnd + 8; len += 1 + r.nextInt(7)) {
            assertThat(parse(Arrays.copyOf(good, len))).as("truncated to " + len).isEqualTo(
                    len < headerEnd ? 1 : 0);
            runs++;
        }
        assertThat(runs).isGreaterThan(3500);
        assertThat(rejected).as("many mutations must be detected by structure checks alone").isGreaterThan(300);
    }

    @Test
    void absurdCountsAndOffsetsAreRefusedBeforeAllocation() throws Exception {
        byte[] good = Files.readAllBytes(TestPackages.avalanchego(tmp, Compression.parse("gzip"), 4000));
        int sig = 96;
        for (int[] field : new int[][] {{8, Integer.MAX_VALUE}, {8, -1}, {12, Integer.MAX_VALUE}, {12, -5},
                {8, 0x10000}, {12, HeaderCodec.MAX_DATA + 1}}) {
            byte[] b = good.clone();
            ByteBuffer.wrap(b).putInt(sig + field[0], field[1]);
            assertThatThrownBy(() -> RpmReader.read(new SeekableInMemoryByteChannel(b), "x.rpm"))
                    .isInstanceOf(RpmFormatException.class).hasMessageStartingWith("x.rpm");
        }
        // an index entry whose offset points far beyond the data store
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putInt(sig + 16 + 16 + 8, 0x7fff0000);
        assertThatThrownBy(() -> RpmReader.read(new SeekableInMemoryByteChannel(b), "y.rpm"))
                .isInstanceOf(RpmFormatException.class).hasMessageContaining("outside data store");
        // a huge count
        byte[] c = good.clone();
        ByteBuffer.wrap(c).putInt(sig + 16 + 16 + 12, 0x7ffffff0);
        assertThatThrownBy(() -> RpmReader.read(new SeekableInMemoryByteChannel(c), "z.rpm"))
                .isInstanceOf(RpmFormatException.class);
    }

    @Test
    void randomGarbageIsNotAnRpm() {
        Random r = new Random(99);
        for (int i = 0; i < 500; i++) {
            byte[] b = new byte[r.nextInt(4096)];
            r.nextBytes(b);
            assertThat(parse(b)).isEqualTo(1);
        }
    }
}
