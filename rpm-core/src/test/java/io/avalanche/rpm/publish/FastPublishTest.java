package io.avalanche.rpm.publish;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.StoreException;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Publishing fast without losing a check: one verifying read pass hashes each file (whole and parts), release.json
 * is checked against it, S3 checks the checksums it receives (no read-back), a package is verified while it uploads
 * and never stored when it fails, and the requests of a publish do not grow with the repository.
 */
class FastPublishTest {
    static S3ProxyFixture s3;
    static TestGpg gpg;
    static Path gpgParent;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.start("fast");
        gpgParent = Files.createTempDirectory("fast-publish-gpg");
        gpg = TestGpg.generate(gpgParent);
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        gpg.close();
        Files.deleteIfExists(gpgParent);
    }

    /** Signed packages, the public key and a release.json recording their SHA-256s, as build + sign leave it. */
    private Path release(String version, String... arches) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work-" + version));
        Path rel = Files.createDirectories(tmp.resolve("release-" + version));
        for (String arch : arches) {
            Path rpm = rel.resolve("avalanchego-v" + version + "-" + arch + ".rpm");
            Files.move(TestRpms.build(work, "avalanchego", version, arch, List.of()), rpm);
            gpg.rpmsign(rpm);
        }
        Files.write(rel.resolve(ReleaseManifest.KEY_FILE), gpg.publicKey());
        writeManifest(rel);
        return rel;
    }

    private static void writeManifest(Path rel) throws Exception {
        StringBuilder json = new StringBuilder("{\"tag\": \"v1\", \"files\": [");
        try (var s = Files.list(rel)) {
            for (Path f : s.filter(p -> !p.getFileName().toString().equals(ReleaseManifest.FILE_NAME)).sorted().toList()) {
                json.append(json.charAt(json.length() - 1) == '[' ? "" : ", ").append("{\"name\": \"")
                        .append(f.getFileName()).append("\", \"size\": ").append(Files.size(f))
                        .append(", \"sha256\": \"").append(Digests.hex(Digests.sha256(f))).append("\"}");
            }
        }
        Files.writeString(rel.resolve(ReleaseManifest.FILE_NAME), json.append("]}\n"));
    }

    private static Publisher publisher(ObjectStore store) {
        return new Publisher(store, o -> { }, s -> { });
    }

    private static Publisher.Options options() {
        return Publisher.Options.defaults(null).withTimestamp(1_700_000_000L);
    }

    @Test
    void oneReadPassMakesTheWholeAndPartSha256() throws Exception {
        byte[] data = new byte[1000];
        new Random(7).nextBytes(data);
        Path f = tmp.resolve("f.bin");
        Files.write(f, data);
        FileHashes h = FileHashes.of(f, 300);
        assertThat(h.sha256()).isEqualTo(Digests.sha256(data));
        assertThat(h.size()).isEqualTo(1000);
        assertThat(h.parts()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            byte[] part = Arrays.copyOfRange(data, i * 300, Math.min(1000, (i + 1) * 300));
            assertThat(h.parts().get(i)).isEqualTo(Digests.sha256(part));
        }
        // fed in chunks that straddle the part boundaries, as a verifier's read pass does
        FileHashes.Hasher hasher = new FileHashes.Hasher(300);
        for (int off = 0; off < 1000; off += 137) {
            hasher.update(data, off, Math.min(137, 1000 - off));
        }
        FileHashes fed = hasher.finish();
        assertThat(fed.sha256()).isEqualTo(h.sha256());
        assertThat(fed.parts()).usingElementComparator(Arrays::compare).containsExactlyElementsOf(h.parts());
        assertThat(FileHashes.of(f, 0).parts()).isEmpty();
    }

    @Test
    void aReleaseJsonThatDisagreesWithAPackageRefusesThePublish() throws Exception {
        Path rel = release("1.0.0", "x86_64");
        String manifest = Files.readString(rel.resolve(ReleaseManifest.FILE_NAME));
        String sha = Digests.hex(Digests.sha256(rel.resolve("avalanchego-v1.0.0-x86_64.rpm")));
        Files.writeString(rel.resolve(ReleaseManifest.FILE_NAME), manifest.replace(sha, "0".repeat(64)));
        // S3: the package streams while it is verified; a directory: verified, then copied
        try (S3Store store = S3Store.open("s3://fast/manifest", s3.settings())) {
            assertThatThrownBy(() -> publisher(store).publish(rel, options()))
                    .isInstanceOf(PublishCheckException.class)
                    .hasMessageContaining("avalanchego-v1.0.0-x86_64.rpm has SHA-256 " + sha)
                    .hasMessageContaining("release.json records " + "0".repeat(64))
                    .hasMessageContaining("Nothing was uploaded");
            assertThat(S3ProxyFixture.listSettled(store, "")).isEmpty();
        }
        FileStore dir = new FileStore(tmp.resolve("dest"));
        assertThatThrownBy(() -> publisher(dir).publish(rel, options()))
                .isInstanceOf(PublishCheckException.class).hasMessageContaining("release.json records");
        assertThat(dir.list("")).isEmpty();
        // the key file is checked the same way
        writeManifest(rel);
        Files.writeString(rel.resolve(ReleaseManifest.FILE_NAME), Files.readString(rel.resolve(ReleaseManifest.FILE_NAME)).replace(
                Digests.hex(Digests.sha256(rel.resolve(ReleaseManifest.KEY_FILE))), "1".repeat(64)));
        try (S3Store store = S3Store.open("s3://fast/manifest-key", s3.settings())) {
            assertThatThrownBy(() -> publisher(store).publish(rel, options()))
                    .isInstanceOf(PublishCheckException.class).hasMessageContaining(ReleaseManifest.KEY_FILE);
            assertThat(S3ProxyFixture.listSettled(store, "")).isEmpty();
        }
    }

    @Test
    void aPackageThatFailsItsChecksWhileUploadingIsNeverStoredNorAnyOther() throws Exception {
        Path rel = release("2.0.0", "x86_64", "aarch64");
        // damage the payload of one package (its payload digest no longer matches) and record the damaged bytes
        Path bad = rel.resolve("avalanchego-v2.0.0-aarch64.rpm");
        byte[] b = Files.readAllBytes(bad);
        long payload = RpmReader.read(bad).payloadOffset();
        b[(int) payload + 10] ^= 0x55;
        Files.write(bad, b);
        writeManifest(rel);
        try (S3Store store = S3Store.open("s3://fast/damaged", s3.settings())) {
            assertThatThrownBy(() -> publisher(store).publish(rel, options()))
                    .isInstanceOf(PublishCheckException.class)
                    .hasMessageContaining("avalanchego-v2.0.0-aarch64.rpm: payload-digest")
                    .hasMessageContaining("Nothing was uploaded");
            // the good package streamed too, but its last byte waited for the other's verdict
            assertThat(S3ProxyFixture.listSettled(store, "")).isEmpty();
            assertThat(store.client().listMultipartUploads(x -> x.bucket("fast")).uploads()).isEmpty();
        }
    }

    @Test
    void aVerifiedPublishIsByteIdenticalAndReadsNothingBack() throws Exception {
        Path rel = release("3.0.0", "x86_64", "aarch64");
        try (FaultProxy counting = new FaultProxy(s3.proxy.getPort());
             S3Store store = S3Store.open("s3://fast/exact", S3Settings.fromEnvironment(s3.env(counting.endpoint())))) {
            Publisher.Result r = publisher(store).publish(rel, options());
            List<String> log = new ArrayList<>(counting.log);
            assertThat(r.objects()).extracting(Publisher.Outcome::status).containsOnly(Publisher.Status.UPLOADED);
            assertThat(r.objects()).extracting(Publisher.Outcome::detail).containsOnly(S3Store.VERIFIED);
            for (String arch : List.of("x86_64", "aarch64")) {
                String name = "avalanchego-v3.0.0-" + arch + ".rpm";
                String key = Layout.SEED.root() + arch + "/" + name;
                assertThat(store.get(key).orElseThrow()).isEqualTo(Files.readAllBytes(rel.resolve(name)));
                assertThat(store.head(key).orElseThrow().sha256Hex())
                        .isEqualTo(Digests.hex(Digests.sha256(rel.resolve(name))));
            }
            // each object written is read (HEAD/GET) only before it is written, never after: S3 checked the checksum
            for (int i = 0; i < log.size(); i++) {
                String[] l = log.get(i).split(" ");
                if (l[1].equals("PUT")) {
                    String path = l[2].split("\\?")[0];
                    for (String later : log.subList(i + 1, log.size())) {
                        String[] m = later.split(" ");
                        if (!m[1].equals("PUT") && m[2].split("\\?")[0].equals(path)) {
                            throw new AssertionError("read back after its upload: " + later + " (log " + log + ")");
                        }
                    }
                }
            }
            // checks (key, 2 signature states, .repo), 3 objects + .repo + 2 repositories (listing, index, signature),
            // the yank records' listing, 2 packages, the key, 6 metadata files, 2 indexes, the .repo file, 2 listings
            // for orphans
            assertThat(log).hasSizeLessThanOrEqualTo(29);
            System.out.println("requests of a publish of 2 packages: " + log.size());

            int before = counting.log.size();
            Publisher.Result again = publisher(store).publish(rel, options());
            assertThat(again.objects()).extracting(Publisher.Outcome::status).containsOnly(Publisher.Status.UNCHANGED);
            assertThat(counting.log.subList(before, counting.log.size())).noneMatch(l -> l.contains(" PUT "));
        }
    }

    @Test
    void metadataComputedWhileTheListingRunsIsStoredBeforeTheListingEnds() throws Exception {
        List<String> log = publishWithTheListingHeld("6", false, false);
        assertThat(log).anyMatch(l -> l.contains("2 packages (1 from existing metadata, copied as they were"));
    }

    @Test
    void metadataStoredEarlyThatTheListingContradictsIsReplacedBeforeTheIndexNamesIt() throws Exception {
        List<String> log = publishWithTheListingHeld("7", true, false);
        assertThat(log).anyMatch(l -> l.contains("3 packages (1 from existing metadata, 1 read by header ranges"));
    }

    @Test
    void aListingThatFailsAfterTheMetadataWentUpLeavesTheIndexAsItWasAndARerunPublishes() throws Exception {
        publishWithTheListingHeld("8", false, true);
    }

    /**
     * Publishes release {@code major}.1.0 into a repository holding {@code major}.0.0 (and, with {@code stray}, a
     * package its metadata does not list), the listing held until the metadata files went up or 10 s passed, the
     * index read only once the package is stored (so it has passed its checks); the publish's log. With
     * {@code listingFails} the listing then fails: the publish fails with it, the index is left as it was, and a rerun
     * publishes.
     */
    private List<String> publishWithTheListingHeld(String major, boolean stray, boolean listingFails)
            throws Exception {
        Path first = release(major + ".0.0", "x86_64");
        Path second = release(major + ".1.0", "x86_64");
        String dir = Layout.SEED.root() + "x86_64/";
        try (S3Store s = S3Store.open("s3://fast/early" + major, s3.settings())) {
            publisher(s).publish(first, options());   // a repository whose metadata the next publish splices
            List<String> expected = new ArrayList<>(List.of("avalanchego-v" + major + ".0.0-x86_64.rpm",
                    "avalanchego-v" + major + ".1.0-x86_64.rpm"));
            if (stray) {   // stored by a run that failed before its index was written
                Path other = release(major + ".0.5", "x86_64").resolve("avalanchego-v" + major + ".0.5-x86_64.rpm");
                String name = TestRpms.publishedName(other);
                s.put(dir + name, other, Digests.sha256(other));
                expected.add(1, name);
            }
            CountingStore store = new CountingStore(s);
            java.util.concurrent.atomic.AtomicBoolean uploaded = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger storedWhileListing = new java.util.concurrent.atomic.AtomicInteger(-1);
            store.afterStreamingWrite = k -> uploaded.compareAndSet(false, k.endsWith(".rpm"));
            store.beforeVersionedGet = k -> {
                if (k.equals(dir + "repodata/repomd.xml")) {
                    await(uploaded::get);   // its last byte waited until the package passed its checks
                }
            };
            store.beforeConditionalWrite = k -> {
                if (k.startsWith(dir + "repodata/") && k.endsWith(".xml.gz")) {
                    stored.incrementAndGet();
                }
            };
            store.beforeList = prefix -> {
                if (prefix.equals(dir)) {
                    await(() -> stored.get() >= 3);
                    storedWhileListing.set(stored.get());
                    if (listingFails) {
                        throw new StoreException("listing refused by the test");
                    }
                }
            };
            List<String> log = new ArrayList<>();
            if (listingFails) {
                assertThatThrownBy(() -> new Publisher(store, o -> { }, log::add).publish(second, options()))
                        .hasMessageContaining("listing refused by the test");
                assertThat(storedWhileListing.get()).isEqualTo(3);
                assertThat(RepoMetadataCreaterepoTestSupport.packages(s, dir)).containsExactly(expected.get(0));
                store.beforeList = prefix -> { };
                publisher(store).publish(second, options());
                assertThat(RepoMetadataCreaterepoTestSupport.packages(s, dir)).containsExactlyElementsOf(expected);
                return log;
            }
            Publisher.Result r = new Publisher(store, o -> { }, log::add).publish(second, options());
            assertThat(storedWhileListing.get()).as("metadata files stored while the listing was held").isEqualTo(3);
            assertThat(stored.get()).as("stored once, and again when the listing disagreed").isEqualTo(stray ? 6 : 3);
            assertThat(r.repositories().get(0).packages()).isEqualTo(expected.size());
            assertThat(RepoMetadataCreaterepoTestSupport.packages(s, dir)).containsExactlyElementsOf(expected);
            return log;
        }
    }

    /** Waits up to 10 s for {@code done} (a hook of the store holds a request until then). */
    private static void await(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aStreamedUploadThatIsRetriedIsVerifiedAgainAndStoredOnce() throws Exception {
        Path rel = release("5.0.0", "x86_64");
        try (FaultProxy faulty = new FaultProxy(s3.proxy.getPort());
             S3Store store = S3Store.open("s3://fast/retried", S3Settings.fromEnvironment(s3.env(faulty.endpoint())))) {
            faulty.policy = (n, method, path) -> method.equals("PUT") && path.contains("x86_64.rpm")
                    && faulty.faultsInjected() == 0 ? FaultProxy.Fault.HTTP_503 : FaultProxy.Fault.NONE;
            Publisher.Result r = publisher(store).publish(rel, options());
            assertThat(faulty.faultsInjected()).isEqualTo(1);
            assertThat(r.objects()).extracting(Publisher.Outcome::status).containsOnly(Publisher.Status.UPLOADED);
            String name = "avalanchego-v5.0.0-x86_64.rpm";
            assertThat(store.get(Layout.SEED.root() + "x86_64/" + name).orElseThrow())
                    .isEqualTo(Files.readAllBytes(rel.resolve(name)));
            assertThat(RepoMetadataCreaterepoTestSupport.packages(store, Layout.SEED.root() + "x86_64/"))
                    .containsExactly(name);
        }
    }

    @Test
    void multipartPartsCarryTheChecksumsOfTheVerifyingPassAndS3ChecksThem() throws Exception {
        Path big = tmp.resolve("big.bin");
        long size = (12L << 20) + 4321;
        Random rnd = new Random(11);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long left = size; left > 0; left -= block.length) {
                rnd.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        S3Settings settings = s3.settings().withMultipart(5L << 20, 5L << 20, 3);
        try (S3Store store = S3Store.open("s3://fast/mp", settings)) {
            FileHashes h = FileHashes.of(big, store.partSize(size));
            assertThat(h.parts()).hasSize(3);
            String how = store.put("x/big.bin", big, h, null);
            assertThat(how).isEqualTo("S3 composite checksum of 3 parts matches the parts of the file verified");
            assertThat(store.get("x/big.bin").orElseThrow()).isEqualTo(Files.readAllBytes(big));
            assertThat(store.head("x/big.bin").orElseThrow().sha256Hex()).isEqualTo(h.hex());
            assertThatThrownBy(() -> store.put("x/big.bin", big, h, null))
                    .isInstanceOf(ConcurrentWriteException.class);

            // parts hashed from other bytes than those sent: S3 refuses the part, nothing is stored
            List<byte[]> wrong = new ArrayList<>(h.parts());
            wrong.set(1, Digests.sha256("not these bytes".getBytes()));
            FileHashes lying = new FileHashes(h.sha256(), h.size(), h.partSize(), wrong);
            assertThatThrownBy(() -> store.put("x/other.bin", big, lying, null))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("s3://fast/mp/x/other.bin").hasMessageContaining("aborted");
            assertThat(store.head("x/other.bin")).isEmpty();
            assertThat(store.client().listMultipartUploads(x -> x.bucket("fast")).uploads()).isEmpty();
        }
    }

    @Test
    void publishingIntoAThousandPackageRepositoryIssuesAsManyRequestsAsIntoAnEmptyOne() throws Exception {
        Path rel = release("4.0.0", "x86_64");
        String dir = Layout.SEED.root() + "x86_64/";
        try (FaultProxy counting = new FaultProxy(s3.proxy.getPort());
             S3Store store = S3Store.open("s3://fast/big", S3Settings.fromEnvironment(s3.env(counting.endpoint())));
             S3Store empty = S3Store.open("s3://fast/empty", S3Settings.fromEnvironment(s3.env(counting.endpoint())))) {
            // 1,000 packages stored straight into the blob store, indexed once from synthetic metadata
            PackageMetadata t = PackageMetadata.from(RpmReader.read(rel.resolve("avalanchego-v4.0.0-x86_64.rpm")),
                    "00", 1, "x");
            Map<String, PackageMetadata> seeded = new LinkedHashMap<>();
            byte[] body = new byte[100];
            for (int i = 0; i < 1000; i++) {
                String href = "old-" + i + "-x86_64.rpm";
                s3.blobs.putBlob(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket("fast")
                        .key("big/" + dir + href).contentLength((long) body.length).build(),
                        new java.io.ByteArrayInputStream(body));
                seeded.put(href, new PackageMetadata("old" + i, "x86_64", "0", "1." + i, "1",
                        Digests.sha256Hex(("pkg" + i).getBytes()), t.summary(), t.description(), t.packager(),
                        t.url(), t.fileTime(), t.buildTime(), body.length, t.installedSize(), t.archiveSize(), href,
                        t.license(), t.vendor(), t.group(), t.buildhost(), t.sourcerpm(), t.headerStart(),
                        t.headerEnd(), t.deps(), t.files(), t.changelogs()));
            }
            new YumRepository(store, dir, null, 1, s -> { }).update(seeded);

            counting.log.clear();
            publisher(empty).publish(rel, options());
            List<String> intoEmpty = new ArrayList<>(counting.log);
            counting.log.clear();
            List<String> messages = new ArrayList<>();
            Publisher.Result r = new Publisher(store, o -> { }, messages::add).publish(rel, options());
            List<String> intoBig = new ArrayList<>(counting.log);
            System.out.println("requests into an empty repository: " + intoEmpty.size() + ", into 1,000: "
                    + intoBig.size());
            assertThat(r.repositories().get(0).packages()).isEqualTo(1001);
            assertThat(r.repositories().get(0).reused()).isEqualTo(1000);
            assertThat(r.repositories().get(0).readRemotely()).isZero();
            // the 1,000 entries are copied as they are, not parsed and written again
            assertThat(messages).anyMatch(m -> m.contains("1001 packages (1000 from existing metadata, copied as they"
                    + " were"));
            assertThat(RepoMetadataCreaterepoTestSupport.packages(store, dir)).hasSize(1001)
                    .contains("old-0-x86_64.rpm", "avalanchego-v4.0.0-x86_64.rpm");
            // the 3 metadata files of the existing index are read, the listing takes a second page (1,000 keys
            // a page), the generation replaced is kept: a constant, nothing per package
            assertThat(intoBig.size() - intoEmpty.size()).isBetween(0, 6);
            assertThat(intoBig).noneMatch(l -> l.contains("old-") && !l.contains("list-type"));
        }
    }
}
