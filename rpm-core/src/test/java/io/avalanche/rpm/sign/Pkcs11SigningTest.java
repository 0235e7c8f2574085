package io.avalanche.rpm.sign;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.testing.SoftHsm;
import io.avalanche.rpm.testing.TestPackages;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Header signatures made by a key inside a real PKCS#11 token (SoftHSM2), judged by rpm and rpmkeys. */
class Pkcs11SigningTest {
    static final String PIN = SoftHsm.PIN;
    static final String KEY = "rpm-release-test";
    static String token;
    static byte[] cert;

    @TempDir
    static Path shared;

    @BeforeAll
    static void keygen() throws IOException {
        token = SoftHsm.newToken();
        try (Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, PIN.toCharArray(), true)) {
            Pkcs11Token.Key k = t.generateRsaKey(KEY, 2048);
            assertThat(k.sensitive()).isTrue();
            assertThat(k.extractable()).isFalse();
            try (DigestSigner s = t.signer(KEY)) {
                cert = armor(TokenKeys.certify(s, "Token Test <token@example.com>", Duration.ofDays(730),
                        Clock.systemUTC()));
            }
        }
    }

    /**
     * The key expiration time is 32 bits of seconds: the longest validity is certified exactly, a longer one is refused
     * (Bouncy Castle writes only the low 32 bits: 137 years became an expiry 295 days after creation), and so is
     * none at all.
     */
    @Test
    void aValidityBeyondWhatOpenPgpHoldsIsRefusedNotWrapped() throws Exception {
        try (Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, PIN.toCharArray(), false);
             DigestSigner s = t.signer(KEY)) {
            PGPPublicKeyRing longest = TokenKeys.certify(s, "Long <long@example.com>", TokenKeys.MAX_VALIDITY,
                    Clock.systemUTC());
            assertThat(longest.getPublicKey().getValidSeconds()).isEqualTo(0xFFFFFFFFL);
            for (Duration d : new Duration[] {TokenKeys.MAX_VALIDITY.plusSeconds(1), Duration.ofDays(137 * 365),
                Duration.ZERO, Duration.ofDays(-1)}) {
                assertThatThrownBy(() -> TokenKeys.certify(s, "X <x@example.com>", d, Clock.systemUTC())).as(d.toString())
                        .isInstanceOf(SpecException.class).hasMessageContaining("1 second to 49710 days");
            }
        }
    }

    @AfterAll
    static void release() {
        SoftHsm.deleteToken(token);
    }

    static SigningKey open() {
        Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, PIN.toCharArray(), false);
        try {
            return TokenKeys.bind(new ByteArrayInputStream(cert), "cert.asc", t.signer(KEY));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    @Test
    void tokenSignedPackagePassesRpmAndRpmkeys(@TempDir Path dir) throws Exception {
        Path rpm = TestPackages.avalanchego(dir, Compression.parse("gzip"), 64 * 1024);
        Path pub = dir.resolve("RPM-GPG-KEY-token");
        try (SigningKey key = open()) {
            assertThat(key.holder()).contains(token, KEY);
            new RpmSigner(key.headerSigner()).sign(rpm);
            key.exportPublicKey(pub);
        }
        assertThat(Files.readAllBytes(pub)).isEqualTo(cert);
        Path db = RpmFixtures.dbWithKey(dir, pub);
        Proc.Result v = RpmFixtures.verbose(db, rpm).ok();
        assertThat(v.all()).containsPattern(RpmFixtures.RSA_SHA256_OK);
        RpmFixtures.enforce(db, rpm).ok();
    }

    @Test
    void certificateIsAcceptedByGpgAndRpmkeys(@TempDir Path dir) throws Exception {
        Path pub = Files.write(dir.resolve("cert.asc"), cert);
        Path home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Proc.Result imp = Proc.run(java.util.List.of("gpg", "--homedir", home.toString(), "--batch", "--import",
                pub.toString()), null, java.util.Map.of(), null).ok();
        assertThat(imp.all()).contains("imported: 1");
        Proc.Result list = Proc.run(java.util.List.of("gpg", "--homedir", home.toString(), "--batch",
                "--with-colons", "--check-signatures"), null, java.util.Map.of(), null).ok();
        assertThat(list.all()).contains("Token Test <token@example.com>").containsPattern("(?m)^sig:!:");
        Proc.run(java.util.List.of("rpmkeys", "--dbpath", Files.createDirectories(dir.resolve("db")).toString(),
                "--import", pub.toString()), null, java.util.Map.of(), null).ok();
    }

    @Test
    void keyGeneratedByUsStaysSensitiveAndNonExtractable() {
        String objects = SoftHsm.listObjects(token, PIN);
        int at = objects.indexOf("Private Key Object");
        assertThat(at).as(objects).isNotNegative();
        String priv = objects.substring(at);
        assertThat(priv).contains("label:      " + KEY).contains("Usage:      sign");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*Access:\\s*(.*)$").matcher(priv);
        assertThat(m.find()).as(priv).isTrue();
        java.util.List<String> access = java.util.List.of(m.group(1).trim().split(",\\s*"));
        // pkcs11-tool lists "extractable" when CKA_EXTRACTABLE is true and "sensitive" when CKA_SENSITIVE is
        assertThat(access).contains("sensitive", "always sensitive", "never extractable", "local")
                .doesNotContain("extractable");
    }

    @Test
    void repositorySignatureIsMadeByTheToken(@TempDir Path dir) throws Exception {
        byte[] repomd = "<repomd/>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path data = Files.write(dir.resolve("repomd.xml"), repomd);
        byte[] asc;
        try (SigningKey key = open()) {
            asc = io.avalanche.rpm.release.RepoSigner.of(key.headerSigner()).signDetached(repomd);
        }
        Path sig = Files.write(dir.resolve("repomd.xml.asc"), asc);
        Path home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path pub = Files.write(dir.resolve("cert.asc"), cert);
        Proc.run(java.util.List.of("gpg", "--homedir", home.toString(), "--batch", "--import", pub.toString()),
                null, java.util.Map.of(), null).ok();
        Proc.Result v = Proc.run(java.util.List.of("gpg", "--homedir", home.toString(), "--batch", "--verify",
                sig.toString(), data.toString()), null, java.util.Map.of(), null);
        assertThat(v.exit()).as(v.all()).isZero();
        assertThat(v.all()).contains("Good signature from \"Token Test <token@example.com>\"");
    }

    @Test
    void wrongPinIsRefusedWithAOneLineMessage() {
        assertThatThrownBy(() -> Pkcs11Token.open(SoftHsm.MODULE, token, "not-the-pin".toCharArray(), false))
                .isInstanceOf(SigningException.class)
                .hasMessageContaining("token '" + token + "': wrong PIN (CKR_PIN_INCORRECT)")
                .hasMessageNotContaining("not-the-pin")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void missingKeyLabelAndMissingTokenAreNamed() {
        try (Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, PIN.toCharArray(), false)) {
            assertThatThrownBy(() -> t.findKey("no-such-key")).isInstanceOf(SigningException.class)
                    .hasMessageContaining("has no private key labelled 'no-such-key'")
                    .hasMessageContaining("'" + KEY + "'");
        }
        assertThatThrownBy(() -> Pkcs11Token.open(SoftHsm.MODULE, "no-such-token", PIN.toCharArray(), false))
                .isInstanceOf(SigningException.class)
                .hasMessageContaining("PKCS#11 token 'no-such-token' not found in " + SoftHsm.MODULE)
                .hasMessageContaining("'" + token + "'");
        assertThatThrownBy(() -> Pkcs11Token.open(Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1"), token,
                PIN.toCharArray(), false)).isInstanceOf(SigningException.class)
                .hasMessageContaining("not a loadable PKCS#11 module");
    }

    @Test
    void certificateOfAnotherKeyIsRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path rpm = TestPackages.avalanchego(dir, Compression.parse("gzip"), 4096);
        byte[] before = Files.readAllBytes(rpm);
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        SigningKeys.ephemeral(2048, Clock.systemUTC()).exportPublicKey(other);
        try (Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, PIN.toCharArray(), false)) {
            DigestSigner s = t.signer(KEY);
            assertThatThrownBy(() -> TokenKeys.bind(new ByteArrayInputStream(other.toByteArray()), "other.asc", s))
                    .isInstanceOf(SpecException.class)
                    .hasMessageContaining("other.asc: the certificate")
                    .hasMessageContaining("does not belong to PKCS#11 token '" + token + "' key '" + KEY + "'");
        }
        assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
    }

    @Test
    void tokenRemovedMidRunFailsCleanlyAndLeavesThePackageUnchanged(@TempDir Path dir) throws Exception {
        String gone = SoftHsm.newToken();
        byte[] goneCert;
        try (Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, gone, PIN.toCharArray(), true)) {
            t.generateRsaKey(KEY, 2048);
            try (DigestSigner s = t.signer(KEY)) {
                goneCert = armor(TokenKeys.certify(s, "Gone <gone@example.com>", null, Clock.systemUTC()));
            }
        }
        Path rpm = TestPackages.avalanchego(dir, Compression.parse("gzip"), 4096);
        byte[] before = Files.readAllBytes(rpm);
        Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, gone, PIN.toCharArray(), false);
        try (SigningKey key = TokenKeys.bind(new ByteArrayInputStream(goneCert), "gone.asc", t.signer(KEY))) {
            SoftHsm.deleteToken(gone);
            assertThatThrownBy(() -> new RpmSigner(key.headerSigner()).sign(rpm))
                    .isInstanceOf(SigningException.class)
                    .hasMessageContaining("PKCS#11 token '" + gone + "' key '" + KEY + "'")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
    }

    @Test
    void onlyTheHeaderIsHashedAndOnlyADigestReachesTheToken(@TempDir Path dir) throws Exception {
        long[] headerBytes = new long[2];
        long[] nanos = new long[2];
        int[] sizes = {1 << 20, 100 << 20};
        try (SigningKey key = open()) {
            for (int i = 0; i < 2; i++) {
                Path rpm = TestPackages.avalanchego(Files.createDirectories(dir.resolve("p" + i)),
                        Compression.parse("none"), sizes[i]);
                AtomicLong hashed = new AtomicLong();
                AtomicInteger calls = new AtomicInteger();
                HeaderSigner inner = key.headerSigner();
                HeaderSigner counting = header -> {
                    hashed.addAndGet(header.length);
                    calls.incrementAndGet();
                    return inner.sign(header);
                };
                new RpmSigner(counting).sign(rpm);
                headerBytes[i] = hashed.get();
                assertThat(calls.get()).isEqualTo(1);
                assertThat(Files.size(rpm)).isGreaterThan(sizes[i]);
            }
            // re-signing in place, alternating sizes, best of 5: the figure for the report (no timed assertion)
            nanos[0] = Long.MAX_VALUE;
            nanos[1] = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 2; i++) {
                    long t0 = System.nanoTime();
                    new RpmSigner(key.headerSigner()).sign(dir.resolve("p" + i).resolve("avalanchego-v1.14.1-x86_64.rpm"));
                    nanos[i] = Math.min(nanos[i], System.nanoTime() - t0);
                }
            }
        }
        System.out.printf("PKCS#11 (SoftHSM2) sign: 1 MiB package %.1f ms, 100 MiB package %.1f ms;"
                + " header bytes hashed %d / %d%n", nanos[0] / 1e6, nanos[1] / 1e6, headerBytes[0], headerBytes[1]);
        assertThat(headerBytes[0]).isEqualTo(headerBytes[1]).isLessThan(16 * 1024);
        // the key holder's input: one SHA-256 digest per signature (51 bytes as DigestInfo), whatever the payload
        try (Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, PIN.toCharArray(), false)) {
            DigestSigner real = t.signer(KEY);
            java.util.List<Integer> seen = new java.util.ArrayList<>();
            DigestSigner spy = new DigestSigner() {
                @Override
                public java.security.interfaces.RSAPublicKey publicKey() {
                    return real.publicKey();
                }

                @Override
                public byte[] sign(int hash, byte[] digest) {
                    seen.add(digest.length);
                    return real.sign(hash, digest);
                }

                @Override
                public String describe() {
                    return real.describe();
                }
            };
            SigningKey key = TokenKeys.bind(new ByteArrayInputStream(cert), "cert.asc", spy);
            for (int i = 0; i < 2; i++) {
                new RpmSigner(key.headerSigner()).sign(dir.resolve("p" + i).resolve("avalanchego-v1.14.1-x86_64.rpm"));
            }
            assertThat(seen).containsExactly(32, 32);
        }
    }

    static byte[] armor(PGPPublicKeyRing ring) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            ring.encode(a, true);
        }
        return out.toByteArray();
    }
}
