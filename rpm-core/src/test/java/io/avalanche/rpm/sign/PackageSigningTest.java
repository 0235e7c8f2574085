package io.avalanche.rpm.sign;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signing a release directory in two halves run apart (as the plugin does on agent and controller): packages that
 * rpmkeys accepts, release.json following the signatures, and a key file that is never written over another key.
 */
class PackageSigningTest {
    static SigningKey key;
    static SigningKey other;
    @TempDir
    static Path built;
    static Path a;
    static Path b;

    @TempDir
    Path dir;
    Path rel;

    @BeforeAll
    static void packages() throws IOException {
        key = SigningKeys.ephemeral(2048, Clock.systemUTC());
        other = SigningKeys.ephemeral(2048, Clock.systemUTC());
        a = RpmFixtures.build(built, "halfa", 20_000);
        b = RpmFixtures.build(built, "halfb", 20_000);
    }

    /** A release directory with both packages and a release.json listing them. */
    @BeforeEach
    void releaseDir() throws IOException {
        rel = Files.createDirectories(dir.resolve("rel"));
        List<ReleaseManifest.Artifact> files = new ArrayList<>();
        for (Path p : List.of(a, b)) {
            Path copy = Files.copy(p, rel.resolve(p.getFileName()));
            files.add(new ReleaseManifest.Artifact(copy.getFileName().toString(), "x", Files.size(copy),
                    Digests.hex(Digests.sha256(copy))));
        }
        new ReleaseManifest("v1.0.0", "1.0", "1", "c0ffee", 0, "noarch", null, files).write(rel);
    }

    private Map<Path, byte[]> snapshot() throws IOException {
        Map<Path, byte[]> m = new LinkedHashMap<>();
        try (var s = Files.list(rel)) {
            for (Path p : s.sorted().toList()) {
                m.put(p, Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** Half one on "the agent", signing on "the controller" with only bytes crossing, half two back on the agent. */
    private PackageSigning.Applied signApart(Path keyFile) {
        List<HeaderToSign> headers = PackageSigning.headersToSign(PackageSigning.packagesIn(rel));
        List<PackageSigning.Signature> signatures = PackageSigning.sign(headers, key.headerSigner());
        byte[] publicKey = KeyExport.of(key, keyFile).armored();
        return PackageSigning.apply(signatures, new KeyExport(keyFile, publicKey));
    }

    @Test
    void halvesRunApartMakePackagesRpmAcceptsAndKeepReleaseJsonTrue() throws IOException {
        Path keyFile = rel.resolve(ReleaseManifest.KEY_FILE);
        PackageSigning.Applied applied = signApart(keyFile);
        assertThat(applied.packages()).hasSize(2);
        assertThat(applied.keyWritten()).isTrue();
        Path db = RpmFixtures.dbWithKey(dir, keyFile);
        for (Path p : PackageSigning.packagesIn(rel)) {
            Proc.Result r = RpmFixtures.enforce(db, p);
            assertThat(r.exit()).as(r.all()).isZero();
        }
        ReleaseManifest m = ReleaseManifest.read(rel);
        assertThat(applied.manifests()).containsEntry(rel, m);
        assertThat(m.files()).extracting(ReleaseManifest.Artifact::name)
                .containsExactly("halfa.rpm", "halfb.rpm", ReleaseManifest.KEY_FILE);
        for (ReleaseManifest.Artifact f : m.files()) {
            assertThat(f.sha256()).as(f.name()).isEqualTo(Digests.hex(Digests.sha256(rel.resolve(f.name()))));
        }
        assertThat(Files.getPosixFilePermissions(keyFile)).as("the key file follows the umask")
                .isEqualTo(newFileMode());
        assertThat(Files.getPosixFilePermissions(rel.resolve(ReleaseManifest.FILE_NAME))).isEqualTo(newFileMode());

        // signing again with the same key: the key file already holds it and is kept as it is
        byte[] keyBytes = Files.readAllBytes(keyFile);
        assertThat(signApart(keyFile).keyWritten()).isFalse();
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(keyBytes);
    }

    @Test
    void aHeaderThatChangedBetweenTheHalvesChangesNothing() throws IOException {
        List<HeaderToSign> headers = PackageSigning.headersToSign(PackageSigning.packagesIn(rel));
        List<PackageSigning.Signature> signatures = PackageSigning.sign(headers, key.headerSigner());
        Path rebuilt = RpmFixtures.build(Files.createDirectories(dir.resolve("again")), "halfa", 20_000);
        Files.copy(rebuilt, rel.resolve("halfa.rpm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<Path, byte[]> before = snapshot();
        Path keyFile = rel.resolve(ReleaseManifest.KEY_FILE);
        assertThatThrownBy(() -> PackageSigning.apply(signatures, KeyExport.of(key, keyFile)))
                .isInstanceOf(SigningException.class).hasMessageContaining("changed since it was read for signing");
        assertThat(snapshot()).as("no package, no key file, no release.json changed")
                .containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void aKeyFileHoldingTheKeyAmongOthersIsKeptAndOneHoldingOnlyAnotherKeyIsRefused() throws IOException {
        Path keyFile = rel.resolve(ReleaseManifest.KEY_FILE);
        // a rotation pair: the outgoing key and the signing key, two armored blocks
        Path pair = dir.resolve("pair.asc");
        other.exportPublicKey(pair);
        Files.writeString(pair, Files.readString(pair) + new String(KeyExport.of(key, keyFile).armored(),
                java.nio.charset.StandardCharsets.US_ASCII));
        Files.copy(pair, keyFile);
        PackageSigning.Applied kept = signApart(keyFile);
        assertThat(kept.keyWritten()).isFalse();
        assertThat(Files.readAllBytes(keyFile)).as("the rotation pair is kept").isEqualTo(Files.readAllBytes(pair));
        PackageVerifier v = new PackageVerifier(TrustedKeys.load(keyFile));
        for (Path p : PackageSigning.packagesIn(rel)) {
            assertThat(v.verify(p).ok()).isTrue();
        }

        other.exportPublicKey(keyFile);
        Map<Path, byte[]> before = snapshot();
        assertThatThrownBy(() -> signApart(keyFile)).isInstanceOf(SpecException.class)
                .hasMessage(keyFile + ": refusing to write the public key over it: it holds key(s) " + other.keyId()
                        + ", not the signing key " + key.keyId() + ": packages signed by those would no longer verify"
                        + " against it; remove it or choose another file (--export-key), or add the signing key to it"
                        + " (a rotation pair lists both)");
        assertThat(snapshot()).containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void aPackageOrASecretKeyIsNeverOverwrittenByThePublicKey() throws IOException {
        Path pkg = rel.resolve("halfb.rpm");
        Map<Path, byte[]> before = snapshot();
        assertThatThrownBy(() -> signApart(pkg)).isInstanceOf(SpecException.class)
                .hasMessage(pkg + ": refusing to write the public key over it: it is an RPM package; remove it or"
                        + " choose another file (--export-key)");
        try (GpgHome gpg = new GpgHome()) {
            String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "secret target"));
            Path secret = Files.writeString(rel.resolve("release.asc"), gpg.exportSecret(fpr, null));
            before.put(secret, Files.readAllBytes(secret));
            assertThatThrownBy(() -> signApart(secret)).isInstanceOf(SpecException.class)
                    .hasMessageContaining("it holds a secret key (the key given to --key?)");
        }
        Path junk = Files.writeString(rel.resolve("notes.txt"), "not a key\n");
        before.put(junk, Files.readAllBytes(junk));
        assertThatThrownBy(() -> signApart(junk)).isInstanceOf(SpecException.class)
                .hasMessageContaining("it is not an OpenPGP public key file");
        assertThat(snapshot()).containsExactlyInAnyOrderEntriesOf(before);
    }

    /** The mode any new file gets here: 0666 minus this process's umask. */
    private Set<PosixFilePermission> newFileMode() throws IOException {
        return Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe-" + System.nanoTime())));
    }
}
