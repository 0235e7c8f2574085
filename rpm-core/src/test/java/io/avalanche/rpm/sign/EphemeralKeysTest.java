package io.avalanche.rpm.sign;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An ephemeral key is recognised by its user ID and its one-day life, in the key file a release directory holds. */
class EphemeralKeysTest {
    @TempDir
    Path dir;

    @Test
    void anEphemeralKeyFileIsRefusedForCustomersAndARealOneIsNot() throws IOException {
        SigningKey eph = SigningKeys.ephemeral(2048, Clock.systemUTC());
        Path ephFile = eph.exportPublicKey(dir.resolve("RPM-GPG-KEY-avalanchego"));
        TrustedKeys keys = TrustedKeys.load(ephFile);
        assertThat(EphemeralKeys.isEphemeral(keys.primaryKeys().get(0))).isTrue();
        assertThatThrownBy(() -> EphemeralKeys.refuseInRelease(keys, ephFile.toString(), "s3://bucket/linux/rpms/"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("refusing to publish an ephemeral-signed release to s3://bucket/linux/rpms/: "
                        + ephFile + " holds ephemeral key " + eph.keyId() + " (expires ")
                .hasMessageEndingWith("customers could never verify the packages after it expires; sign with --key"
                        + " FILE");

        try (GpgHome gpg = new GpgHome()) {
            // a real key that also expires after a day, under another user ID: not ours to refuse
            String fpr = gpg.generate("Key-Type: RSA", "Key-Length: 2048", "Key-Usage: sign,cert",
                    "Name-Real: short lived", "Expire-Date: 1d", "%no-protection");
            Path real = gpg.exportPublic(fpr, dir.resolve("real.asc"));
            TrustedKeys realKeys = TrustedKeys.load(real);
            assertThat(EphemeralKeys.isEphemeral(realKeys.primaryKeys().get(0))).isFalse();
            assertThatCode(() -> EphemeralKeys.refuseInRelease(realKeys, real.toString(), "s3://b/"))
                    .doesNotThrowAnyException();
            // a rotation file that lists a real key and an ephemeral one is refused too
            Path both = dir.resolve("both.asc");
            Files.writeString(both, Files.readString(real) + Files.readString(ephFile));
            assertThatThrownBy(() -> EphemeralKeys.refuseInRelease(TrustedKeys.load(both), both.toString(), "s3://b/"))
                    .hasMessageContaining("holds ephemeral key " + eph.keyId());
        }
    }
}
