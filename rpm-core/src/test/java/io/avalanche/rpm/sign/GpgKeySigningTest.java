package io.avalanche.rpm.sign;

import io.avalanche.rpm.format.CheckStatus;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Keys made by real gpg sign packages that rpm -K and rpmkeys --checksig accept; bad keys are refused. */
class GpgKeySigningTest {
    static final String PASS = "correct horse battery staple 42";
    static GpgHome gpg;

    @BeforeAll
    static void home() throws IOException {
        gpg = new GpgHome();
    }

    @AfterAll
    static void cleanup() throws IOException {
        gpg.close();
    }

    private static SigningKey load(String armored, String passphrase) {
        return SigningKeys.load(new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)),
                passphrase == null ? null : passphrase.toCharArray(), "test-key.asc");
    }

    private static void signAndCheckWithRpm(Path dir, SigningKey key, Path publicKey, String name) throws IOException {
        Path rpm = RpmFixtures.build(dir, name, 50_000);
        long size = Files.size(rpm);
        assertThat(new RpmSigner(key.headerSigner()).sign(rpm).inPlace()).isTrue();
        assertThat(Files.size(rpm)).isEqualTo(size);
        Path db = RpmFixtures.dbWithKey(dir, publicKey);
        Proc.Result vk = RpmFixtures.verbose(db, rpm);
        assertThat(vk.exit()).as(vk.all()).isZero();
        assertThat(vk.out()).containsPattern(RpmFixtures.RSA_SHA256_OK);
        assertThat(vk.out().toLowerCase()).contains(key.keyId().toLowerCase().substring(8));
        Proc.Result enforce = RpmFixtures.enforce(db, rpm);
        assertThat(enforce.exit()).as(enforce.all()).isZero();
        VerifyReport report = new PackageVerifier(TrustedKeys.load(publicKey)).verify(rpm);
        assertThat(report.ok()).as(report.toString()).isTrue();
    }

    @Test
    void rsa4096WithoutPassphrase(@TempDir Path dir) throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(4096, "sign,cert", null, "rsa4096 nopass"));
        String secret = gpg.exportSecret(fpr, null);
        SigningKey key = load(secret, null);
        assertThat(key.bits()).isEqualTo(4096);
        assertThat(key.primaryFingerprint()).isEqualTo(fpr);
        signAndCheckWithRpm(dir, key, gpg.exportPublic(fpr, dir.resolve("pub.asc")), "g4096");
        new SecretScan(null, secret, Files.readString(dir.resolve("pub.asc"))).assertTreeClean(dir);
    }

    @Test
    void rsa2048WithPassphrase(@TempDir Path dir) throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", PASS, "rsa2048 pass"));
        String secret = gpg.exportSecret(fpr, PASS);
        SecretScan scan = new SecretScan(PASS, secret);

        SigningException missing = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(missing).hasMessageContaining("passphrase").hasMessageContaining("test-key.asc");
        scan.assertClean(missing);
        SigningException wrong = catchThrowableOfType(SigningException.class, () -> load(secret, PASS + "x"));
        assertThat(wrong).hasMessageContaining("wrong passphrase");
        scan.assertClean(wrong);

        SigningKey key = load(secret, PASS);
        assertThat(key.toString()).doesNotContain(PASS);
        signAndCheckWithRpm(dir, key, gpg.exportPublic(fpr, dir.resolve("pub.asc")), "gpass");
        new SecretScan(PASS, secret, Files.readString(dir.resolve("pub.asc"))).assertTreeClean(dir);
    }

    @Test
    void signingSubkeyOfCertifyOnlyPrimary(@TempDir Path dir) throws IOException {
        String fpr = gpg.generate("Key-Type: RSA", "Key-Length: 2048", "Key-Usage: cert",
                "Subkey-Type: RSA", "Subkey-Length: 2048", "Subkey-Usage: sign",
                "Name-Real: subkey signer", "Expire-Date: 0", "%no-protection");
        String secret = gpg.exportSecret(fpr, null);
        SigningKey key = load(secret, null);
        assertThat(key.primaryFingerprint()).isEqualTo(fpr);
        assertThat(key.fingerprint()).isNotEqualTo(fpr);
        assertThat(fpr).doesNotEndWith(key.keyId());
        signAndCheckWithRpm(dir, key, gpg.exportPublic(fpr, dir.resolve("pub.asc")), "gsub");
    }

    @Test
    void refusesKeyWithoutSigningCapability() throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "cert", null, "cert only"));
        String secret = gpg.exportSecret(fpr, null);
        SigningException e = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(e).hasMessageContaining("signing capability");
        new SecretScan(null, secret).assertClean(e);
    }

    @Test
    void refusesExpiredKey() throws IOException {
        String fpr = gpg.generateWith(List.of("--faked-system-time", "20200101T000000!"),
                "Key-Type: RSA", "Key-Length: 2048", "Key-Usage: sign,cert", "Name-Real: expired",
                "Expire-Date: 1d", "%no-protection");
        String secret = gpg.exportSecret(fpr, null);
        SigningException e = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(e).hasMessageContaining("expired");
        new SecretScan(null, secret).assertClean(e);
    }

    @Test
    void refusesRevokedKey() throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "revoked"));
        Path rev = gpg.dir().resolve("openpgp-revocs.d").resolve(fpr + ".rev");
        String cert = Files.readString(rev).replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----",
                "-----BEGIN PGP PUBLIC KEY BLOCK-----");
        Path fixed = gpg.dir().resolve("rev.asc");
        Files.writeString(fixed, cert);
        gpg.gpg("--batch", "--import", fixed.toString()).ok();
        String secret = gpg.exportSecret(fpr, null);
        SigningException e = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(e).hasMessageContaining("revoked");
    }

    @Test
    void refusesSha1SelfSignatures() throws IOException {
        String fpr = gpg.generateWith(List.of("--cert-digest-algo", "SHA1", "--digest-algo", "SHA1"),
                GpgHome.rsa(2048, "sign,cert", null, "sha1 selfsig"));
        Proc.Result packets = gpg.gpg("--list-packets", gpg.exportPublic(fpr, gpg.dir().resolve("p.asc")).toString());
        assertThat(packets.out()).as("gpg made a SHA-1 self-signature").contains("digest algo 2,");
        String secret = gpg.exportSecret(fpr, null);
        SigningException e = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(e).hasMessageContaining("SHA1");
    }

    @Test
    void refusesRsaKeysUnder2048BitsNamingTheSizeAndThePolicy(@TempDir Path dir) throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(1024, "sign,cert", null, "rsa1024"));
        String secret = gpg.exportSecret(fpr, null);
        SigningException e = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(e).hasMessageContaining("is RSA-1024; RHEL 9's default crypto policy refuses RSA keys under 2048"
                + " bits");
        new SecretScan(null, secret).assertClean(e);

        // a package rpmsign signed with that key (Debian's rpm accepts it): our verifier says BAD, naming why
        Path rpm = RpmFixtures.build(dir, "rsa1024", 1000);
        Proc.run(List.of("rpmsign", "--addsign", "--define", "_gpg_name " + fpr, "--define", "_gpg_path " + gpg.dir(),
                "--define", "__gpg /usr/bin/gpg", "--define", "_gpg_digest_algo sha256", rpm.toString())).ok();
        Path pub = gpg.exportPublic(fpr, dir.resolve("rsa1024.asc"));
        assertThat(RpmFixtures.enforce(RpmFixtures.dbWithKey(dir, pub), rpm).exit()).as("Debian rpm 4.18 accepts it")
                .isZero();
        VerifyReport r = new PackageVerifier(TrustedKeys.load(pub)).verify(rpm);
        assertThat(r.ok()).isFalse();
        assertThat(r.checks()).anyMatch(c -> c.check().equals("header-signature") && c.status() == CheckStatus.BAD
                && c.detail().contains("RSA-1024") && c.detail().contains("crypto policy"));
    }

    @Test
    void refusesNonRsaKey() throws IOException {
        String fpr = gpg.generate("Key-Type: EDDSA", "Key-Curve: ed25519", "Key-Usage: sign,cert",
                "Name-Real: eddsa", "Expire-Date: 0", "%no-protection");
        String secret = gpg.exportSecret(fpr, null);
        SigningException e = catchThrowableOfType(SigningException.class, () -> load(secret, null));
        assertThat(e).hasMessageContaining("RSA");
    }

    @Test
    void refusesPublicKeyAndGarbage() throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "public only"));
        String pub = gpg.gpg("--armor", "--export", fpr).ok().out();
        assertThat(catchThrowableOfType(SigningException.class, () -> load(pub, null)))
                .hasMessageContaining("secret key");
        assertThat(catchThrowableOfType(SigningException.class, () -> load("hello", null)))
                .hasMessageContaining("test-key.asc");
    }

    @Test
    void verifierReportsNokeyForAnotherKey(@TempDir Path dir) throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "other"));
        Path rpm = RpmFixtures.build(dir, "nokey", 1000);
        new RpmSigner(SigningKeys.ephemeral(2048, java.time.Clock.systemUTC()).headerSigner()).sign(rpm);
        VerifyReport r = new PackageVerifier(TrustedKeys.load(gpg.exportPublic(fpr, dir.resolve("o.asc")))).verify(rpm);
        assertThat(r.ok()).isFalse();
        assertThat(r.checks()).anyMatch(c -> c.check().equals("header-signature") && c.status() == CheckStatus.NOKEY);
    }
}
