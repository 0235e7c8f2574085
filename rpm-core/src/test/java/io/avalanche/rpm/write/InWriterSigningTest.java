package io.avalanche.rpm.write;

import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningException;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signing inside RpmWriter (package --key, release) gives what writing then signing gives, checked by rpm. */
class InWriterSigningTest {
    static SigningKey key;

    @TempDir
    Path tmp;

    @BeforeAll
    static void key() {
        key = SigningKeys.ephemeral();
    }

    @AfterAll
    static void close() {
        key.close();
    }

    @Test
    void signedWhileWrittenEqualsWrittenThenSignedAndRpmAcceptsIt() throws Exception {
        Path bin = TestPackages.compileVersionBinary(tmp.resolve("bin"), "avalanchego", "abc123");
        PackageSpec spec = TestPackages.spec(bin, Compression.parse("zstd:3")).build();
        RpmSigner signer = new RpmSigner(key.headerSigner());
        Path inWriter = RpmWriter.write(spec, tmp.resolve("a"), "p.rpm", n -> { }, RpmWriter.SignatureFiller.signingWith(key.headerSigner()));
        Path after = RpmWriter.write(spec, tmp.resolve("b"), "p.rpm");
        signer.signWritten(after);

        RpmPackage x = RpmReader.read(inWriter);
        RpmPackage y = RpmReader.read(after);
        assertThat(Files.size(inWriter)).isEqualTo(Files.size(after));
        assertThat(x.headerBytes()).isEqualTo(y.headerBytes());
        assertThat(x.signatureLength()).isEqualTo(y.signatureLength());
        assertThat(x.signature().entries().stream().map(e -> e.tag()).toList())
                .isEqualTo(y.signature().entries().stream().map(e -> e.tag()).toList())
                .contains(SigTag.RSAHEADER.id(), SigTag.SHA256HEADER.id(), SigTag.RESERVEDSPACE.id());
        byte[] a = Files.readAllBytes(inWriter);
        byte[] b = Files.readAllBytes(after);
        assertThat(Arrays.copyOfRange(a, (int) x.mainHeaderOffset(), a.length))
                .isEqualTo(Arrays.copyOfRange(b, (int) y.mainHeaderOffset(), b.length));

        Path pub = tmp.resolve("pub.asc");
        try (OutputStream out = Files.newOutputStream(pub)) {
            key.exportPublicKey(out);
        }
        Map<String, String> env = Map.of("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Cmd.run(List.of("rpmkeys", "--import", pub.toString()), null, env).ok();
        assertThat(Cmd.run(List.of("rpm", "-vK", inWriter.toString()), null, env).ok().output())
                .containsPattern("RSA/SHA256 [Ss]ignature.*: OK").doesNotContain("BAD").doesNotContain("NOKEY");
        Cmd.run(List.of("rpmkeys", "--checksig", "--define", "_pkgverify_level all", inWriter.toString()), null, env)
                .ok();
    }

    @Test
    void aSignerThatFailsLeavesNothingBehind() throws Exception {
        Path bin = TestPackages.compileVersionBinary(tmp.resolve("bin"), "avalanchego", "abc123");
        PackageSpec spec = TestPackages.spec(bin, Compression.parse("zstd:3")).build();
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("p.rpm"), "an older package");
        RpmWriter.SignatureFiller failing = (unsigned, main, sha, length) -> {
            throw new SigningException("wrong passphrase");
        };
        assertThatThrownBy(() -> RpmWriter.write(spec, out, "p.rpm", n -> { }, failing))
                .hasMessageContaining("wrong passphrase");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("p.rpm");
        }
        assertThat(Files.readString(out.resolve("p.rpm"))).isEqualTo("an older package");
    }

    @Test
    void aSignatureThatDoesNotFitTheReservedSpaceIsRefused() throws Exception {
        Path bin = TestPackages.compileVersionBinary(tmp.resolve("bin"), "avalanchego", "abc123");
        PackageSpec spec = TestPackages.spec(bin, Compression.parse("zstd:3")).build();
        byte[] real = key.headerSigner().sign(new byte[16]);
        byte[] huge = new byte[RpmWriter.RESERVED_SPACE + 512];
        System.arraycopy(real, 0, huge, 0, real.length);
        RpmWriter.SignatureFiller tooBig = RpmWriter.SignatureFiller.signingWith(m -> huge);
        assertThatThrownBy(() -> RpmWriter.write(spec, tmp.resolve("c"), "p.rpm", n -> { }, tooBig))
                .isInstanceOf(SigningException.class);
        assertThat(tmp.resolve("c/p.rpm")).doesNotExist();
    }
}
