package io.avalanche.rpm.sign;

import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 21 item 4: a package with a good RSA header signature (268) and a second, bad signature must fail, as rpm
 * checks every signature present (lib/rpmvs.c: 267, 268, 1002 and 1005 each verify on their own; an alternative
 * only covers a failure of the same kind). Real rpmkeys with the release key imported is the oracle.
 */
class EverySignatureTest {
    @TempDir
    static Path dir;
    static GpgHome gpg;
    static SigningKey key;
    static Path keyFile;
    static Path db;
    static Path signed;
    static byte[] rsaPacket;
    static byte[] dsaPacket;

    @BeforeAll
    static void setUp() throws IOException {
        gpg = new GpgHome();
        key = SigningKeys.ephemeral(2048, Clock.systemUTC());
        keyFile = key.exportPublicKey(dir.resolve("KEY"));
        db = RpmFixtures.dbWithKey(dir, keyFile);
        Path unsigned = RpmFixtures.build(dir, "second", 6000);
        signed = Files.copy(unsigned, dir.resolve("signed.rpm"));
        new RpmSigner(key.headerSigner()).sign(signed);
        rsaPacket = RpmReader.read(signed).signature().get(SigTag.RSAHEADER).orElseThrow().bytes();
        String dsa = gpg.generate("Key-Type: DSA", "Key-Length: 2048", "Key-Usage: sign", "Name-Real: dsa signer",
                "Name-Email: dsa@example.invalid", "Expire-Date: 0", "%no-protection");
        Path byDsa = Files.copy(unsigned, dir.resolve("dsa.rpm"));
        Proc.run(List.of("rpmsign", "--addsign", "--define", "_gpg_name " + dsa, "--define", "_gpg_path " + gpg.dir(),
                "--define", "__gpg /usr/bin/gpg", byDsa.toString())).ok();
        dsaPacket = RpmReader.read(byDsa).signature().get(SigTag.DSAHEADER).orElseThrow().bytes();
    }

    @AfterAll
    static void tearDown() throws IOException {
        gpg.close();
    }

    @Test
    void theRsaSignedBaseIsGoodForBoth() {
        assertThat(new PackageVerifier(TrustedKeys.load(keyFile)).verify(signed).ok()).isTrue();
        assertThat(RpmFixtures.enforce(db, signed).exit()).isZero();
    }

    @Test
    void everySecondSignatureThatRpmRefusesWeRefuse() throws IOException {
        Map<String, Path> rpmRefuses = new LinkedHashMap<>();
        rpmRefuses.put("267-dsa-by-an-untrusted-key", with(SigTag.DSAHEADER, dsaPacket));
        rpmRefuses.put("267-garbage", with(SigTag.DSAHEADER, new byte[] {(byte) 0x88, 0x01, 0x02, 0x03, 0x04}));
        rpmRefuses.put("267-rsa-one-byte-flipped", with(SigTag.DSAHEADER, flipped(rsaPacket)));
        rpmRefuses.put("1005-garbage", with(SigTag.GPG, new byte[] {(byte) 0x88, 0x05, 0x04, 0x00}));
        rpmRefuses.put("1002-rsa-one-byte-flipped", with(SigTag.PGP, flipped(rsaPacket)));
        List<String> wrong = new ArrayList<>();
        for (var e : rpmRefuses.entrySet()) {
            VerifyReport ours = new PackageVerifier(TrustedKeys.load(keyFile)).verify(e.getValue());
            if (!PackageVerifier.loading(keyFile).verify(e.getValue()).equals(ours)) {
                wrong.add(e.getKey() + ": another verdict with the key loaded beside the payload");
            }
            if (ours.ok()) {
                wrong.add(e.getKey() + ": we accept it");
            }
            if (ours.checks().stream().noneMatch(c -> c.check().equals("header-signature") && c.ok())) {
                wrong.add(e.getKey() + ": the good 268 signature was not checked: " + ours.checks());
            }
            if (RpmFixtures.enforce(db, e.getValue()).exit() == 0) {
                wrong.add(e.getKey() + ": rpmkeys accepts it (the variant does not test what it says)");
            }
        }
        assertThat(wrong).isEmpty();
        VerifyReport dsa = new PackageVerifier(TrustedKeys.load(keyFile)).verify(rpmRefuses.get(
                "267-dsa-by-an-untrusted-key"));
        assertThat(dsa.failures()).extracting(CheckResult::describe).anyMatch(d -> d.contains("tag 267")
                && d.contains("DSA"));
    }

    /** publish checks every package with the same verifier: the 268 + bad 267 package is refused, nothing uploaded. */
    @Test
    void publishRefusesAGoodRsaSignatureNextToABadDsaOne() throws IOException {
        Path rel = Files.createDirectories(dir.resolve("release"));
        Files.copy(with(SigTag.DSAHEADER, dsaPacket), rel.resolve("second-1.0-1.noarch.rpm"));
        // a good package of this machine's arch beside it: a noarch package is published with an arch's packages
        String arch = io.avalanche.rpm.format.Arch.host().rpm();
        Path good = Files.copy(RpmFixtures.build(dir, "third", 1000, arch), rel.resolve("third-1.0-1." + arch + ".rpm"));
        new RpmSigner(key.headerSigner()).sign(good);
        Files.copy(keyFile, rel.resolve("RPM-GPG-KEY-avalanchego"));
        Path bucket = dir.resolve("bucket");
        try (var store = new io.avalanche.rpm.store.FileStore(bucket)) {
            assertThatThrownBy(() -> new io.avalanche.rpm.publish.Publisher(store, o -> { }, l -> { })
                    .publish(rel, io.avalanche.rpm.publish.Publisher.Options.defaults(null)))
                    .isInstanceOf(io.avalanche.rpm.publish.PublishCheckException.class)
                    .hasMessageContaining("tag 267");
        }
        if (Files.exists(bucket)) {
            try (var files = Files.walk(bucket)) {
                assertThat(files.filter(p -> p.toString().endsWith(".rpm"))).isEmpty();
            }
        }
    }

    /** Stricter than rpm 4.18 by policy: a valid RSA signature under 267 is refused, next to 268 as alone. */
    @Test
    void aValidRsaSignatureUnder267IsRefusedByPolicyEvenNextTo268() throws IOException {
        Path copy = with(SigTag.DSAHEADER, rsaPacket);
        assertThat(RpmFixtures.enforce(db, copy).exit()).as("rpm 4.18 verifies 267 by content").isZero();
        VerifyReport ours = new PackageVerifier(TrustedKeys.load(keyFile)).verify(copy);
        assertThat(ours.ok()).isFalse();
        assertThat(ours.failures()).extracting(CheckResult::check).containsExactly("header-signature-267");
    }

    /** The signed base with one more signature entry, written in place of the reserved space. */
    private static Path with(SigTag tag, byte[] packet) throws IOException {
        RpmPackage pkg = RpmReader.read(signed);
        Header h = pkg.signature().toBuilder().remove(SigTag.RESERVEDSPACE.id()).bin(tag.id(), packet).build();
        byte[] enc = SignatureHeaders.fit(h, pkg.signatureLength()).orElseThrow();
        Path out = dir.resolve(tag.name() + "-" + Integer.toHexString(java.util.Arrays.hashCode(packet)) + ".rpm");
        Files.copy(signed, out, StandardCopyOption.REPLACE_EXISTING);
        try (var ch = java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(enc), 96);
        }
        return out;
    }

    private static byte[] flipped(byte[] b) {
        byte[] c = b.clone();
        c[c.length - 1] ^= 0x01;
        return c;
    }
}
