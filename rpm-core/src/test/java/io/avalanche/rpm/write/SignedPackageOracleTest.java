package io.avalanche.rpm.write;

import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A package from our writer, signed by our signer, is clean for rpmlint and dnf's signature policy. */
class SignedPackageOracleTest {
    static SigningKey key;

    @TempDir
    Path tmp;

    @BeforeAll
    static void key() {
        key = SigningKeys.ephemeral();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd:3", "zstd:19", "xz", "gzip", "none"})
    void signedPackageHasNoRpmlintErrors(String compression) throws Exception {
        Path bin = TestPackages.compileVersionBinary(tmp.resolve("bin"), "avalanchego", "abc123");
        Path rpm = RpmWriter.write(TestPackages.spec(bin, Compression.parse(compression)).build(), tmp,
                "avalanchego-v1.14.1-x86_64.rpm");
        new RpmSigner(key.headerSigner()).sign(rpm);
        Path pub = tmp.resolve("RPM-GPG-KEY-avalanchego");
        try (OutputStream out = Files.newOutputStream(pub)) {
            key.exportPublicKey(out);
        }
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = Map.of("HOME", home.toString());
        Cmd.run(List.of("rpmkeys", "--import", pub.toString()), null, env).ok();
        String lint = Cmd.run(List.of("rpmlint", rpm.toString()), null, env).output();
        assertThat(lint.lines().filter(l -> l.contains(": E: "))).as(lint).isEmpty();
        Cmd.run(List.of("rpmkeys", "--checksig", "--define", "_pkgverify_level signature", rpm.toString()), null, env)
                .ok();
        assertThat(Cmd.run(List.of("rpm", "-vK", rpm.toString()), null, env).ok().output())
                .containsPattern("RSA/SHA256 [Ss]ignature.*: OK").doesNotContain("BAD").doesNotContain("NOKEY");
    }
}
