package io.avalanche.rpm.sign;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.RpmFormatException;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainHeadersTest {
    @TempDir
    Path tmp;

    @Test
    void acceptsExactlyOneMainHeader() throws Exception {
        var pkg = RpmReader.read(TestPackages.avalanchego(tmp, Compression.parse("gzip"), 100));
        byte[] h = pkg.headerBytes();
        assertThat(MainHeaders.require(h, "h").string(io.avalanche.rpm.format.Tag.NAME)).isEqualTo("avalanchego");
        byte[] longer = Arrays.copyOf(h, h.length + 1);
        assertThatThrownBy(() -> MainHeaders.require(longer, "x")).isInstanceOf(RpmFormatException.class);
        assertThatThrownBy(() -> MainHeaders.require("not a header at all!".getBytes(StandardCharsets.UTF_8), "x"))
                .isInstanceOf(RpmFormatException.class);
        byte[] sigHeader = new byte[pkg.signatureLength()];
        try (var ch = java.nio.file.Files.newByteChannel(tmp.resolve("avalanchego-v1.14.1-x86_64.rpm"))) {
            ch.position(96);
            ch.read(java.nio.ByteBuffer.wrap(sigHeader));
        }
        assertThatThrownBy(() -> MainHeaders.require(sigHeader, "sig")).isInstanceOf(RpmFormatException.class)
                .hasMessageContaining("not a main header");
    }
}
