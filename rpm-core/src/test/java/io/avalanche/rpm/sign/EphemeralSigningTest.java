package io.avalanche.rpm.sign;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Ephemeral RSA-4096 key: packages it signs in place pass rpm -K and rpmkeys --checksig with enforcement. */
class EphemeralSigningTest {
    static SigningKey key;

    @BeforeAll
    static void generate() {
        key = SigningKeys.ephemeral();
    }

    @Test
    void signsInPlaceAndRpmAccepts(@TempDir Path dir) throws Exception {
        Path rpm = RpmFixtures.build(dir, "eph", 200_000);
        RpmPackage before = RpmReader.read(rpm);
        byte[] originalBytes = Files.readAllBytes(rpm);

        SignResult r = new RpmSigner(key.headerSigner()).sign(rpm);

        assertThat(r.inPlace()).isTrue();
        byte[] signedBytes = Files.readAllBytes(rpm);
        assertThat(signedBytes.length).isEqualTo(originalBytes.length);
        long main = before.mainHeaderOffset();
        assertThat(Arrays.copyOfRange(signedBytes, (int) main, signedBytes.length))
                .isEqualTo(Arrays.copyOfRange(originalBytes, (int) main, originalBytes.length));
        RpmPackage after = RpmReader.read(rpm);
        assertThat(after.signature().has(268)).isTrue();
        assertThat(after.signature().has(1008)).isTrue();
        assertThat(after.mainHeaderOffset()).isEqualTo(main);

        Path pub = key.exportPublicKey(dir.resolve(ReleaseManifest.KEY_FILE));
        Path db = RpmFixtures.dbWithKey(dir, pub);
        Proc.Result vk = RpmFixtures.verbose(db, rpm);
        assertThat(vk.exit()).as(vk.all()).isZero();
        assertThat(vk.out()).containsPattern(RpmFixtures.RSA_SHA256_OK);
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();

        // re-signing replaces the signature, still in place
        SignResult again = new RpmSigner(key.headerSigner()).sign(rpm);
        assertThat(again.inPlace()).isTrue();
        assertThat(Files.size(rpm)).isEqualTo(originalBytes.length);
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
        assertNoPrivateKeyMaterial(dir);
    }

    /** Neither the private exponent nor the primes appear, in binary or hex, in any file the test produced. */
    static void assertNoPrivateKeyMaterial(Path dir) throws java.io.IOException {
        var k = (org.bouncycastle.bcpg.RSASecretBCPGKey) key.privateKeyForTests().getPrivateKeyDataPacket();
        List<byte[]> secrets = List.of(k.getPrivateExponent().toByteArray(), k.getPrimeP().toByteArray(),
                k.getPrimeQ().toByteArray());
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (byte[] sec : secrets) {
                    byte[] window = Arrays.copyOfRange(sec, sec.length / 2, sec.length / 2 + 32);
                    assertThat(content).as(f + " holds private key bytes")
                            .doesNotContain(new String(window, java.nio.charset.StandardCharsets.ISO_8859_1))
                            .doesNotContainIgnoringCase(java.util.HexFormat.of().formatHex(window));
                }
            }
        }
    }

    @Test
    void exportedKeyIsRsa4096Sha256ExpiringInOneDay(@TempDir Path dir) throws Exception {
        Path pub = key.exportPublicKey(dir.resolve("KEY"));
        Proc.Result p = Proc.run(List.of("gpg", "--homedir", Files.createTempDirectory(dir, "g").toString(),
                "--list-packets", pub.toString()));
        assertThat(p.exit()).as(p.all()).isZero();
        assertThat(p.out()).contains("pkey[0]: [4096 bits]");
        assertThat(p.out()).contains("digest algo 8");
        assertThat(p.out()).doesNotContain("digest algo 2,");
        assertThat(p.out()).contains("key expires after 1d0h0m");
        assertThat(p.out()).contains(SigningKeys.EPHEMERAL_USER_ID);
        Instant exp = key.expiresAt().orElseThrow();
        assertThat(exp).isBetween(Instant.now().plusSeconds(86_000), Instant.now().plusSeconds(86_401));
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .doesNotContain("PRIVATE");
        Matcher m = Pattern.compile("created (\\d+)").matcher(p.out());
        assertThat(m.find()).isTrue();
        assertNoPrivateKeyMaterial(dir);
    }
}
