package io.avalanche.rpm.publish;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.yum.MetadataException;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.yum.Repomd;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Publisher.prepare + complete: the same bytes as publish, signatures made elsewhere (gpg, the release key's
 * RepoSigner) verified by gpg, a publish in between detected, an abandoned prepare leaving the old index whole.
 */
class TwoPhasePublishTest {
    static final String X86 = Layout.SEED.root() + "x86_64/";
    static final String ARM = Layout.SEED.root() + "aarch64/";
    static final long TS = 1_700_000_000L;
    static S3ProxyFixture s3;
    @TempDir
    Path tmp;

    /** Signs every package of the releases and is their published key, as a release engineer's key would be. */
    static TestGpg gpg;
    static Path gpgParent;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.start("two");
        gpgParent = Files.createTempDirectory("two-phase-gpg");
        gpg = TestGpg.generate(gpgParent);
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        gpg.close();
        Files.deleteIfExists(gpgParent);
    }

    private Path release(String version, String... arches) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work-" + version));
        Path rel = Files.createDirectories(tmp.resolve("release-" + version));
        for (String arch : arches) {
            Path p = TestRpms.build(work, "avalanchego", version, arch, List.of());
            Path rpm = rel.resolve("avalanchego-v" + version + "-" + arch + ".rpm");
            Files.move(p, rpm);
            gpg.rpmsign(rpm);
        }
        Files.write(rel.resolve(ReleaseManifest.KEY_FILE), gpg.publicKey());
        return rel;
    }

    private static Publisher.Options options() {
        return Publisher.Options.defaults(null).withTimestamp(TS).withBaseUrl("https://cdn.example.invalid/");
    }

    private static Publisher publisher(ObjectStore store) {
        return new Publisher(store, o -> { }, s -> { });
    }

    /** Every file under a directory, by relative path. */
    private static Map<String, byte[]> tree(Path root) throws Exception {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void prepareThenCompleteWritesExactlyWhatPublishWrites() throws Exception {
        Path v1 = release("1.0.0", "x86_64", "aarch64");
        Path v2 = release("1.0.1", "x86_64", "aarch64");
        FileStore once = new FileStore(tmp.resolve("once"));
        FileStore twice = new FileStore(tmp.resolve("twice"));
        for (Path rel : List.of(v1, v2)) {
            Publisher.Result a = publisher(once).publish(rel, options());
            PendingPublish pending = publisher(twice).prepare(rel, options());
            // across a process boundary and back: as JSON and as Java serialization
            PendingPublish viaJson = PendingPublish.fromJson(pending.toJson());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(viaJson);
            }
            PendingPublish back;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                back = (PendingPublish) in.readObject();
            }
            assertThat(back.toSign()).containsOnlyKeys(ARM, X86);
            back.toSign().forEach((dir, xml) -> assertThat(Repomd.parseCanonical(xml, dir).entries()).hasSize(3));
            assertThat(back.toSign().get(X86)).isEqualTo(pending.toSign().get(X86));
            Publisher.Result b = publisher(twice).complete(back, Map.of());

            assertThat(tree(twice.root())).usingRecursiveComparison().isEqualTo(tree(once.root()));
            assertThat(b.objects()).extracting(Publisher.Outcome::key, Publisher.Outcome::status,
                    Publisher.Outcome::sha256).isEqualTo(a.objects().stream().map(o -> org.assertj.core.groups.Tuple
                    .tuple(o.key(), o.status(), o.sha256())).toList());
            assertThat(b.repositories()).usingRecursiveComparison().isEqualTo(a.repositories());
        }
        // the second round's metadata files, the first round's (kept for readers in flight) and repomd.xml
        assertThat(twice.list(X86 + "repodata/")).hasSize(7);
        assertThat(RepoMetadataCreaterepoTestSupport.packages(twice, X86))
                .containsExactly("avalanchego-v1.0.0-x86_64.rpm", "avalanchego-v1.0.1-x86_64.rpm");
        assertThat(new String(twice.get(Layout.SEED.repoFile()).orElseThrow(), StandardCharsets.UTF_8))
                .contains("repo_gpgcheck=0");
    }

    @Test
    void signaturesMadeElsewhereVerifyWithGpg() throws Exception {
        Path rel = release("2.0.0", "x86_64", "aarch64");
        try (S3Store store = S3Store.open("s3://two/gpg", s3.settings())) {
            PendingPublish pending = publisher(store).prepare(rel, options());
            assertThat(store.head(X86 + YumRepository.REPOMD)).isEmpty();
            // signed by the gpg command line, over the bytes alone: the key never meets the store
            Map<String, byte[]> sigs = PendingPublish.fromJson(pending.toJson()).sign(gpg.signer());
            Publisher.Result r = publisher(store).complete(pending, sigs);
            assertThat(r.repositories()).allSatisfy(y -> assertThat(y.written())
                    .contains(y.dir() + YumRepository.REPOMD + ".asc", y.dir() + YumRepository.REPOMD));
            for (String dir : List.of(X86, ARM)) {
                assertThat(store.get(dir + YumRepository.REPOMD).orElseThrow())
                        .isEqualTo(pending.toSign().get(dir));
                gpgVerify(gpg.publicKey(), store, dir);
            }
            assertThat(new String(store.get(Layout.SEED.repoFile()).orElseThrow(),
                    StandardCharsets.UTF_8)).contains("repo_gpgcheck=1");
        }
    }

    @Test
    void releaseKeySignatureOverThePendingBytesVerifiesWithGpg() throws Exception {
        Path rel = release("2.1.0", "x86_64");
        SigningKey key = SigningKeys.ephemeral();
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        key.exportPublicKey(pub);
        // the packages are gpg's; this test is about the repository signature by the release key alone
        Files.write(rel.resolve(ReleaseManifest.KEY_FILE), pub.toByteArray());
        FileStore fs = new FileStore(tmp.resolve("dest"));
        PendingPublish pending = publisher(fs).prepare(rel, options().withoutReleaseChecks());
        Publisher.Result r = publisher(fs).complete(pending, pending.sign(RepoSigner.of(key.headerSigner())));
        assertThat(r.repositories()).hasSize(1);
        gpgVerify(pub.toByteArray(), fs, X86);

        // and gpg is an oracle that can fail: a repomd.xml changed after signing does not verify
        Path home = gpgHome(pub.toByteArray());
        Path xml = tmp.resolve("tampered.xml");
        Path asc = tmp.resolve("tampered.xml.asc");
        Files.write(xml, (new String(fs.get(X86 + YumRepository.REPOMD).orElseThrow(), StandardCharsets.UTF_8)
                .replace("<revision>", "<revision>1")).getBytes(StandardCharsets.UTF_8));
        Files.write(asc, fs.get(X86 + YumRepository.REPOMD + ".asc").orElseThrow());
        Tools.Run bad = Tools.exec(List.of("gpg", "--batch", "--homedir", home.toString(), "--verify",
                asc.toString(), xml.toString()), Map.of(), null, null);
        assertThat(bad.exit()).as(bad.out()).isNotZero();
        assertThat(bad.out()).contains("BAD signature");
    }

    @Test
    void aPublishBetweenPrepareAndCompleteIsDetected() throws Exception {
        Path first = release("3.0.0", "x86_64");
        Path second = release("3.0.1", "x86_64");
        try (S3Store store = S3Store.open("s3://two/race", s3.settings())) {
            publisher(store).publish(release("2.9.9", "x86_64"), options());
            PendingPublish pending = publisher(store).prepare(first, options());
            publisher(store).publish(second, options().withTimestamp(TS + 1));
            byte[] winner = store.get(X86 + YumRepository.REPOMD).orElseThrow();

            assertThatThrownBy(() -> publisher(store).complete(pending, Map.of()))
                    .isInstanceOf(ConcurrentWriteException.class)
                    .hasMessageContaining("s3://two/race/linux/rpms/x86_64/repodata/repomd.xml")
                    .hasMessageContaining("changed since this publish read it")
                    .hasMessageContaining("re-run publish");
            // the other publish's index is untouched and whole
            assertThat(store.get(X86 + YumRepository.REPOMD).orElseThrow()).isEqualTo(winner);
            assertIndexWhole(store, X86);

            // re-running publishes the first release on top: all three packages, immutability intact
            Publisher.Result again = publisher(store).publish(first, options().withTimestamp(TS + 2));
            assertThat(again.objects()).extracting(Publisher.Outcome::status)
                    .containsOnly(Publisher.Status.UNCHANGED);
            assertThat(RepoMetadataCreaterepoTestSupport.packages(store, X86)).containsExactly(
                    "avalanchego-v2.9.9-x86_64.rpm", "avalanchego-v3.0.0-x86_64.rpm", "avalanchego-v3.0.1-x86_64.rpm");
            assertIndexWhole(store, X86);
        }
    }

    @Test
    void anAbandonedPrepareLeavesThePublishedIndexWhole() throws Exception {
        Path v1 = release("4.0.0", "x86_64");
        Path v2 = release("4.0.1", "x86_64");
        {
            FileStore fs = new FileStore(tmp.resolve("abandon"));
            publisher(fs).publish(v1, options().withTimestamp(TS).withForce(false)
                    .withSigner(gpg.signer()));
            Map<String, byte[]> before = tree(fs.root());
            byte[] repomd = fs.get(X86 + YumRepository.REPOMD).orElseThrow();

            PendingPublish never = publisher(fs).prepare(v2, options().withTimestamp(TS + 10));
            assertThat(never.toSign().get(X86)).isNotEqualTo(repomd);
            // the package and the new (unreferenced) metadata files are stored; nothing that clients read changed
            assertThat(fs.head(X86 + "avalanchego-v4.0.1-x86_64.rpm")).isPresent();
            assertThat(fs.get(X86 + YumRepository.REPOMD).orElseThrow()).isEqualTo(repomd);
            assertThat(fs.get(X86 + YumRepository.REPOMD + ".asc").orElseThrow())
                    .isEqualTo(before.get(X86 + YumRepository.REPOMD + ".asc"));
            assertThat(fs.get(Layout.SEED.repoFile()).orElseThrow())
                    .isEqualTo(before.get(Layout.SEED.repoFile()));
            for (Map.Entry<String, byte[]> e : before.entrySet()) {
                assertThat(tree(fs.root())).containsEntry(e.getKey(), e.getValue());
            }
            assertIndexWhole(fs, X86);
            assertThat(RepoMetadataCreaterepoTestSupport.packages(fs, X86))
                    .containsExactly("avalanchego-v4.0.0-x86_64.rpm");
            gpgVerify(gpg.publicKey(), fs, X86);
        }
    }

    @Test
    void signaturesForSomeRepositoriesOnlyAreRefusedBeforeAnyIndexIsWritten() throws Exception {
        Path rel = release("5.0.0", "x86_64", "aarch64");
        FileStore fs = new FileStore(tmp.resolve("partial"));
        PendingPublish pending = publisher(fs).prepare(rel, options());
        byte[] armored = "-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n".getBytes();
        assertThatThrownBy(() -> publisher(fs).complete(pending, Map.of(X86, armored)))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("sign every repository of the publish or none");
        assertThatThrownBy(() -> publisher(fs).complete(pending, Map.of(X86, armored, ARM, "junk".getBytes())))
                .isInstanceOf(PublishException.class).hasMessageContaining("not an ASCII-armored");
        assertThatThrownBy(() -> publisher(new FileStore(tmp.resolve("elsewhere"))).complete(pending, Map.of()))
                .isInstanceOf(PublishException.class).hasMessageContaining("complete it with the same destination");
        assertThat(fs.head(X86 + YumRepository.REPOMD)).isEmpty();
        assertThat(fs.head(ARM + YumRepository.REPOMD)).isEmpty();
        assertThat(fs.head(Layout.SEED.repoFile())).isEmpty();
    }

    @Test
    void onlyIndexBytesAsPublisherWritesThemPassTheSignersCheck() throws Exception {
        FileStore fs = new FileStore(tmp.resolve("canonical"));
        PendingPublish pending = publisher(fs).prepare(release("6.0.0", "x86_64"), options());
        byte[] xml = pending.toSign().get(X86);
        assertThat(Repomd.parseCanonical(xml, "x").revision()).isEqualTo(TS);
        String text = new String(xml, StandardCharsets.UTF_8);
        for (String other : List.of(text.replace("</repomd>", "<!-- more --></repomd>"), text + " ",
                "-----BEGIN PGP SIGNED MESSAGE-----\n" + text, "<repomd/>", "anything")) {
            assertThatThrownBy(() -> Repomd.parseCanonical(other.getBytes(StandardCharsets.UTF_8), "x.xml"))
                    .isInstanceOf(MetadataException.class).hasMessageContaining("x.xml");
        }
    }

    /** repomd.xml names metadata files that exist with the checksums it states. */
    private static void assertIndexWhole(ObjectStore store, String dir) {
        Repomd r = Repomd.parse(store.get(dir + YumRepository.REPOMD).orElseThrow(), dir);
        assertThat(r.entries()).hasSize(3);
        for (Repomd.Entry e : r.entries()) {
            byte[] gz = store.get(dir + e.href()).orElseThrow(() -> new AssertionError(dir + e.href() + " missing"));
            assertThat(Digests.sha256Hex(gz)).isEqualTo(e.checksum());
        }
    }

    private Path gpgHome(byte[] publicKey) throws Exception {
        Path home = Files.createTempDirectory(tmp, "verify",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path key = home.resolve("key.asc");
        Files.write(key, publicKey);
        Tools.run(List.of("gpg", "--batch", "--homedir", home.toString(), "--import", key.toString()), Map.of(), null);
        return home;
    }

    /** {@code gpg --verify repomd.xml.asc repomd.xml} with only the public key in a fresh GNUPGHOME. */
    private void gpgVerify(byte[] publicKey, ObjectStore store, String dir) throws Exception {
        Path home = gpgHome(publicKey);
        Path xml = home.resolve("repomd.xml");
        Path asc = home.resolve("repomd.xml.asc");
        Files.write(xml, store.get(dir + YumRepository.REPOMD).orElseThrow());
        Files.write(asc, store.get(dir + YumRepository.REPOMD + ".asc").orElseThrow());
        String out = Tools.run(List.of("gpg", "--batch", "--homedir", home.toString(), "--verify", asc.toString(),
                xml.toString()), Map.of(), null);
        assertThat(out).contains("Good signature");
        Tools.exec(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"), Map.of(), null, null);
    }
}
