package io.avalanche.rpm.sign;

import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key files with several keys (rotation: old and new key listed together) are trusted whole, as
 * {@code rpmkeys --import} does; a package signed with EdDSA is refused with its algorithm named.
 */
class KeyRotationAndEdDsaTest {
    @TempDir
    static Path dir;
    static GpgHome gpg;
    static String oldKey;
    static String newKey;

    @BeforeAll
    static void keys() throws IOException {
        gpg = new GpgHome();
        oldKey = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "old release key"));
        newKey = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "new release key"));
    }

    @AfterAll
    static void close() throws IOException {
        gpg.close();
    }

    @Test
    void everyKeyOfARotationFileIsTrustedAsByRpmkeys() throws IOException {
        Path rpm = signed("rotated", newKey);
        Path old = gpg.exportPublic(oldKey, dir.resolve("OLD"));
        Path fresh = gpg.exportPublic(newKey, dir.resolve("NEW"));
        Path concatenated = dir.resolve("OLD+NEW");
        Files.writeString(concatenated, Files.readString(old) + Files.readString(fresh));
        Path oneBlock = dir.resolve("OLD-NEW-one-block");
        Files.writeString(oneBlock, gpg.gpg("--armor", "--export", oldKey, newKey).ok().out());
        assertThat(Files.readString(concatenated)).contains("-----END PGP PUBLIC KEY BLOCK-----\n-----BEGIN");

        for (Path keys : List.of(concatenated, oneBlock)) {
            Path db = RpmFixtures.dbWithKey(dir, keys);
            assertThat(RpmFixtures.enforce(db, rpm).exit()).as("rpmkeys trusts both keys of " + keys).isZero();
            TrustedKeys trusted = TrustedKeys.load(keys);
            assertThat(trusted.keyIds()).hasSize(2);
            VerifyReport r = new PackageVerifier(trusted).verify(rpm);
            assertThat(r.ok()).as(keys + ": " + r.failures()).isTrue();
        }
        VerifyReport onlyOld = new PackageVerifier(TrustedKeys.load(old)).verify(rpm);
        assertThat(onlyOld.ok()).isFalse();
    }

    @Test
    void edDsaSignatureIsNamedEdDsa() throws IOException {
        String ed = gpg.generate("Key-Type: EDDSA", "Key-Curve: ed25519", "Key-Usage: sign",
                "Name-Real: ed key", "Name-Email: ed@example.invalid", "Expire-Date: 0", "%no-protection");
        Path rpm = signed("eddsa", ed);
        Path pub = gpg.exportPublic(ed, dir.resolve("ED"));
        String rpmSays = RpmFixtures.verbose(RpmFixtures.dbWithKey(dir, pub), rpm).out();
        assertThat(rpmSays).as("rpm names the algorithm EdDSA").contains("EdDSA");
        VerifyReport r = new PackageVerifier(TrustedKeys.load(pub)).verify(rpm);
        assertThat(r.ok()).isFalse();
        String failures = r.failures().toString();
        assertThat(failures).contains("EdDSA header signature (tag 267)").doesNotContain("detail=DSA");
    }

    private static Path signed(String name, String fpr) throws IOException {
        Path p = RpmFixtures.build(dir, name, 4000);
        Proc.run(List.of("rpmsign", "--addsign", "--define", "_gpg_name " + fpr, "--define", "_gpg_path " + gpg.dir(),
                "--define", "__gpg /usr/bin/gpg", p.toString())).ok();
        return p;
    }
}
