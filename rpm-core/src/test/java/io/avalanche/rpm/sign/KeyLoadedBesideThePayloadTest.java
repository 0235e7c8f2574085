package io.avalanche.rpm.sign;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.CheckStatus;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.verify.VerifyReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * verify's key loads on its own thread while the package is read (PackageVerifier.loading): the same reports as a key
 * loaded first, and a key file that cannot be loaded is still an error, never a verdict on a package.
 */
class KeyLoadedBesideThePayloadTest {
    @TempDir
    static Path dir;
    static Path keyFile;
    static Path signed;
    static Path otherKeyFile;

    @BeforeAll
    static void setUp() throws IOException {
        SigningKey key = SigningKeys.ephemeral(2048, Clock.systemUTC());
        keyFile = key.exportPublicKey(dir.resolve("KEY"));
        otherKeyFile = SigningKeys.ephemeral(2048, Clock.systemUTC()).exportPublicKey(dir.resolve("OTHER"));
        signed = RpmFixtures.build(dir, "beside", 300_000);
        new RpmSigner(key.headerSigner()).sign(signed);
    }

    @Test
    void theReportsAreThoseOfAKeyLoadedFirst() {
        VerifyReport good = PackageVerifier.loading(keyFile).verify(signed);
        assertThat(good.ok()).as(good.toString()).isTrue();
        assertThat(good).isEqualTo(new PackageVerifier(TrustedKeys.load(keyFile)).verify(signed));
        VerifyReport nokey = PackageVerifier.loading(otherKeyFile).verify(signed);
        assertThat(nokey.failures()).singleElement().satisfies(c -> {
            assertThat(c.check()).isEqualTo("header-signature");
            assertThat(c.status()).isEqualTo(CheckStatus.NOKEY);
        });
        assertThat(nokey).isEqualTo(new PackageVerifier(TrustedKeys.load(otherKeyFile)).verify(signed));
        PackageVerifier twice = PackageVerifier.loading(keyFile);
        assertThat(twice.verify(signed)).isEqualTo(good);
        assertThat(twice.verify(signed)).isEqualTo(good);
    }

    @Test
    void aKeyFileThatCannotBeLoadedIsAnErrorWithItsOwnMessage() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot"
                + " base64 at all!\n-----END PGP PUBLIC KEY BLOCK-----\n", StandardCharsets.US_ASCII);
        String loadSays = catchMessage(() -> TrustedKeys.load(garbage));
        assertThat(loadSays).contains(garbage.toString());
        assertThatThrownBy(() -> PackageVerifier.loading(garbage).verify(signed))
                .isExactlyInstanceOf(RpmException.class).hasMessage(loadSays);

        // a package that is not one gets its verdict without the keys; the key's error still comes, from keys()
        Path notAnRpm = Files.writeString(dir.resolve("not.rpm"), "text", StandardCharsets.US_ASCII);
        PackageVerifier v = PackageVerifier.loading(garbage);
        VerifyReport report = v.verify(notAnRpm);
        assertThat(report.failures()).singleElement().satisfies(c -> assertThat(c.check()).isEqualTo("format"));
        assertThatThrownBy(v::keys).isExactlyInstanceOf(RpmException.class).hasMessage(loadSays);

        Path missing = dir.resolve("no-such-key.asc");
        assertThatThrownBy(() -> PackageVerifier.loading(missing).verify(signed))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(missing.toString());
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (RpmException e) {
            return e.getMessage();
        }
        throw new AssertionError("no RpmException");
    }
}
