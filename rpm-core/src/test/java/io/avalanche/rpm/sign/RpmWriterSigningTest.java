package io.avalanche.rpm.sign;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Packages from our RpmWriter are signed in place (its reserved space), and rpm and our verifier accept them. */
class RpmWriterSigningTest {
    static SigningKey key;

    @BeforeAll
    static void generate() {
        key = SigningKeys.ephemeral(2048, Clock.systemUTC());
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "xz", "gzip", "none"})
    void signsWriterOutputInPlace(String compression, @TempDir Path dir) throws IOException {
        Path rpm = TestPackages.avalanchego(dir, Compression.parse(compression), 300_000);
        RpmPackage before = RpmReader.read(rpm);
        byte[] original = Files.readAllBytes(rpm);

        SignResult r = new RpmSigner(key.headerSigner()).sign(rpm);

        assertThat(r.inPlace()).isTrue();
        byte[] signed = Files.readAllBytes(rpm);
        assertThat(signed.length).isEqualTo(original.length);
        int main = (int) before.mainHeaderOffset();
        assertThat(Arrays.copyOfRange(signed, main, signed.length)).isEqualTo(Arrays.copyOfRange(original, main, original.length));
        Path pub = key.exportPublicKey(dir.resolve(ReleaseManifest.KEY_FILE));
        Path db = RpmFixtures.dbWithKey(dir, pub);
        Proc.Result vk = RpmFixtures.verbose(db, rpm);
        assertThat(vk.exit()).as(vk.all()).isZero();
        assertThat(vk.out()).containsPattern(RpmFixtures.RSA_SHA256_OK);
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
        VerifyReport ours = new PackageVerifier(TrustedKeys.load(pub)).verify(rpm);
        assertThat(ours.ok()).as(ours.toString()).isTrue();

        signed[signed.length - 5] ^= 0x40;
        Files.write(rpm, signed);
        assertThat(new PackageVerifier(TrustedKeys.load(pub)).verify(rpm).ok()).isFalse();
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isNotZero();
    }
}
