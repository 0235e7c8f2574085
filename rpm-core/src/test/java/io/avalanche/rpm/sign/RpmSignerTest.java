package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.pgp.SignaturePacket;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The signer's layout rules: in place when reserved space allows, streamed rewrite otherwise; packet shape per gpg. */
class RpmSignerTest {
    static SigningKey key;

    @BeforeAll
    static void generate() {
        key = SigningKeys.ephemeral(2048, Clock.systemUTC());
    }

    @Test
    void signaturePacketShapeAsGpgSeesIt(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "shape", 100);
        new RpmSigner(key.headerSigner()).sign(rpm);
        Path sig = Files.write(dir.resolve("sig.bin"),
                RpmReader.read(rpm).signature().get(SigTag.RSAHEADER).orElseThrow().bytes());
        Proc.Result p = Proc.run(List.of("gpg", "--homedir", Files.createTempDirectory(dir, "g").toString(),
                "--list-packets", sig.toString()));
        assertThat(p.out()).contains(":signature packet: algo 1,").contains("version 4, created")
                .contains("sigclass 0x00").contains("digest algo 8,")
                .containsPattern("(?m)^\\s+hashed subpkt 2 len 4 \\(sig created")
                .containsPattern("(?m)^\\s+hashed subpkt 33 len 21 \\(issuer fpr v4 " + key.fingerprint())
                .containsPattern("(?m)^\\s+hashed subpkt 16 len 8 \\(issuer key ID " + key.keyId())
                .doesNotContain("critical");
    }

    @Test
    void sha512IsAcceptedByRpm(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "s512", 100);
        new RpmSigner(key.headerSigner(HashAlgorithmTags.SHA512)).sign(rpm);
        Path db = RpmFixtures.dbWithKey(dir, key.exportPublicKey(dir.resolve("K")));
        assertThat(RpmFixtures.verbose(db, rpm).out()).containsPattern("(?m)RSA/SHA512 .*: OK");
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
        assertThat(new PackageVerifier(TrustedKeys.of(key.publicKeyRing())).verify(rpm).ok()).isTrue();
    }

    @Test
    void fallsBackToStreamedRewriteWithoutReservedSpace(@TempDir Path dir) throws IOException {
        Path rpm = withoutReservedSpace(RpmFixtures.build(dir, "noreserve", 300_000));
        RpmPackage before = RpmReader.read(rpm);
        assertThat(before.signature().has(SigTag.RESERVEDSPACE.id())).isFalse();
        byte[] tail = Arrays.copyOfRange(Files.readAllBytes(rpm), (int) before.mainHeaderOffset(), (int) before.fileSize());

        SignResult r = new RpmSigner(key.headerSigner()).sign(rpm);

        assertThat(r.inPlace()).isFalse();
        RpmPackage after = RpmReader.read(rpm);
        byte[] bytes = Files.readAllBytes(rpm);
        assertThat(Arrays.copyOfRange(bytes, (int) after.mainHeaderOffset(), bytes.length)).isEqualTo(tail);
        assertThat(after.signature().has(SigTag.RESERVEDSPACE.id())).isTrue();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".signing"));
        }
        Path db = RpmFixtures.dbWithKey(dir, key.exportPublicKey(dir.resolve("K")));
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
        assertThat(new RpmSigner(key.headerSigner()).sign(rpm).inPlace()).as("reserve added for the next signing").isTrue();
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
    }

    @Test
    void refusesAPaddedPackageBeforeReadingItsPayload(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "sparse", 100);
        long size = Files.size(rpm);
        try (RandomAccessFile f = new RandomAccessFile(rpm.toFile(), "rw")) {
            f.setLength(size + (8L << 30));   // 8 GiB sparse hole: rpmsign refuses it after reading it all
        }
        SigningException e = catchThrowableOfType(SigningException.class,
                () -> new RpmSigner(key.headerSigner()).sign(rpm));
        assertThat(e).hasMessageContaining("not signing a corrupt package")
                .hasMessageContaining("signature header (tag 1000) says " + (size - RpmReader.read(rpm).mainHeaderOffset()));
        assertThat(Files.size(rpm)).isEqualTo(size + (8L << 30));
        Files.delete(rpm);
    }

    @Test
    void refusesCorruptHeaderDigest(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "corrupt", 100);
        RpmPackage p = RpmReader.read(rpm);
        byte[] b = Files.readAllBytes(rpm);
        int il = java.nio.ByteBuffer.wrap(b).getInt((int) p.mainHeaderOffset() + 8);
        b[(int) p.mainHeaderOffset() + 16 + il * 16 + 2] ^= 1;   // a data-store byte: parses, digest differs
        Files.write(rpm, b);
        SigningException e = catchThrowableOfType(SigningException.class, () -> new RpmSigner(key.headerSigner()).sign(rpm));
        assertThat(e).hasMessageContaining("SHA256HEADER").hasMessageContaining(rpm.toString());
        assertThat(Files.readAllBytes(rpm)).isEqualTo(b);
    }

    @Test
    void splitSigningAsAgentAndController(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "split", 5000);
        HeaderToSign h = RpmSigner.headerToSign(rpm);              // agent side
        byte[] packet = key.headerSigner().sign(h.headerBytes());   // controller side: only the header travels
        SignResult r = RpmSigner.applySignature(rpm, packet, h.sha256());   // agent side again
        assertThat(r.inPlace()).isTrue();
        Path db = RpmFixtures.dbWithKey(dir, key.exportPublicKey(dir.resolve("K")));
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();

        Path other = RpmFixtures.build(dir, "split2", 5000);
        byte[] before = Files.readAllBytes(other);
        SigningException e = catchThrowableOfType(SigningException.class,
                () -> RpmSigner.applySignature(other, packet, h.sha256()));
        assertThat(e).hasMessageContaining("changed since it was read");
        assertThat(Files.readAllBytes(other)).isEqualTo(before);
    }

    @Test
    void refusesUnusableSignaturePackets(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "badpacket", 100);
        HeaderToSign h = RpmSigner.headerToSign(rpm);
        byte[] good = key.headerSigner().sign(h.headerBytes());
        byte[] before = Files.readAllBytes(rpm);
        byte[] sha1 = good.clone();
        sha1[good.length - SignaturePacket.body(good).length + 3] = 2;   // body[3] is the hash algorithm
        byte[] armored = ("-----BEGIN PGP SIGNATURE-----\n\n" + java.util.Base64.getEncoder().encodeToString(good)
                + "\n-----END PGP SIGNATURE-----\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThat(catchThrowableOfType(SigningException.class, () -> RpmSigner.applySignature(rpm, sha1, h.sha256())))
                .hasMessageContaining("SHA-1");
        assertThat(catchThrowableOfType(SigningException.class, () -> RpmSigner.applySignature(rpm, armored, h.sha256())))
                .hasMessageContaining("not exactly one binary OpenPGP signature packet");
        assertThat(catchThrowableOfType(SigningException.class, () -> RpmSigner.applySignature(rpm, trailing, h.sha256())))
                .hasMessageContaining("trailing");
        assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
    }

    @Test
    void validLegacyHeaderPlusPayloadSignatureVerifies(@TempDir Path dir) throws IOException {
        Path rpm = RpmFixtures.build(dir, "legacy", 5000);
        new RpmSigner(key.headerSigner()).sign(rpm);
        RpmPackage p = RpmReader.read(rpm);
        byte[] all = Files.readAllBytes(rpm);
        byte[] legacy = key.headerSigner().sign(Arrays.copyOfRange(all, (int) p.mainHeaderOffset(), all.length));
        Header h = p.signature().toBuilder().remove(SigTag.RESERVEDSPACE.id()).bin(SigTag.PGP.id(), legacy).build();
        byte[] enc = SignatureHeaders.fit(h, p.signatureLength()).orElseThrow();
        System.arraycopy(enc, 0, all, 96, enc.length);
        Files.write(rpm, all);
        Path pub = key.exportPublicKey(dir.resolve("K"));
        var report = new PackageVerifier(TrustedKeys.load(pub)).verify(rpm);
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.checks()).anyMatch(c -> c.check().equals("legacy-signature-1002") && c.ok());
        Path db = RpmFixtures.dbWithKey(dir, pub);
        Proc.Result vk = RpmFixtures.verbose(db, rpm);
        assertThat(vk.exit()).as(vk.all()).isZero();
        assertThat(vk.out()).containsPattern("(?m)^\\s*V4 RSA/SHA256 Signature.*: OK");
    }

    @Test
    void keyPolicyRefusesV6Keys() throws Exception {
        RSAKeyPairGenerator g = new RSAKeyPairGenerator();
        g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 80));
        PGPPublicKey v6 = new BcPGPKeyPair(PublicKeyPacket.VERSION_6, PublicKeyAlgorithmTags.RSA_GENERAL,
                g.generateKeyPair(), new Date()).getPublicKey();
        assertThat(KeyPolicy.problems(v6, v6, Instant.now())).anyMatch(s -> s.contains("v6 key"));
    }

    /** Rewrites a package with the signature header minus RESERVEDSPACE (and without signatures). */
    static Path withoutReservedSpace(Path rpm) throws IOException {
        RpmPackage p = RpmReader.read(rpm);
        Header h = p.signature().toBuilder().remove(SigTag.RESERVEDSPACE.id()).build();
        byte[] sig = HeaderCodec.encode(h, HeaderCodec.REGION_TAG_SIGNATURES);
        byte[] all = Files.readAllBytes(rpm);
        byte[] out = new byte[96 + sig.length + HeaderCodec.padding8(sig.length) + (int) (p.fileSize() - p.mainHeaderOffset())];
        System.arraycopy(all, 0, out, 0, 96);
        System.arraycopy(sig, 0, out, 96, sig.length);
        System.arraycopy(all, (int) p.mainHeaderOffset(), out, out.length - (int) (p.fileSize() - p.mainHeaderOffset()),
                (int) (p.fileSize() - p.mainHeaderOffset()));
        Files.write(rpm, out);
        return rpm;
    }
}
