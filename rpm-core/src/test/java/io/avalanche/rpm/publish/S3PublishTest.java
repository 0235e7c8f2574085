package io.avalanche.rpm.publish;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.StoreException;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Publishing to S3Proxy (SigV4) through AWS SDK v2: round trip, auth, checksums, immutability, multipart. */
class S3PublishTest {
    static S3ProxyFixture s3;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.start("releases", "big");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private Path release(String version, String marker) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work-" + version + marker));
        Path rel = Files.createDirectories(tmp.resolve("release-" + version + marker));
        for (String arch : List.of("x86_64", "aarch64")) {
            Path p = TestRpms.build(work, "avalanchego", version, arch, List.of("Provides: marker-" + marker));
            Files.move(p, rel.resolve("avalanchego-v" + version + "-" + arch + ".rpm"));
        }
        Files.writeString(rel.resolve(ReleaseManifest.KEY_FILE), "-----BEGIN PGP PUBLIC KEY BLOCK-----\ntest\n");
        return rel;
    }

    @Test
    void roundTripIsByteIdenticalAndChecksummed() throws Exception {
        Path rel = release("1.0.0", "a");
        List<Publisher.Outcome> seen = new ArrayList<>();
        try (S3Store store = S3Store.open("s3://releases/team/prod", s3.settings())) {
            Publisher.Result r = new Publisher(store, seen::add, s -> { }).publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
            assertThat(r.objects()).extracting(Publisher.Outcome::status).containsOnly(Publisher.Status.UPLOADED);
            assertThat(r.objects()).extracting(Publisher.Outcome::location).containsExactlyInAnyOrder(
                    "s3://releases/team/prod/linux/rpms/x86_64/avalanchego-v1.0.0-x86_64.rpm",
                    "s3://releases/team/prod/linux/rpms/aarch64/avalanchego-v1.0.0-aarch64.rpm",
                    "s3://releases/team/prod/linux/rpms/RPM-GPG-KEY-avalanchego");
            assertThat(r.objects()).extracting(Publisher.Outcome::detail).containsOnly("S3 SHA-256 checksum matches");
            assertThat(seen).isEqualTo(r.objects());
            for (String arch : List.of("x86_64", "aarch64")) {
                String name = "avalanchego-v1.0.0-" + arch + ".rpm";
                byte[] remote = store.get("linux/rpms/" + arch + "/" + name).orElseThrow();
                assertThat(remote).isEqualTo(Files.readAllBytes(rel.resolve(name)));
                assertThat(store.head("linux/rpms/" + arch + "/repodata/repomd.xml")).isPresent();
            }
            assertThat(r.repositories()).hasSize(2).allSatisfy(y -> assertThat(y.packages()).isEqualTo(1));
            // the raw object as any S3 client sees it, prefix included, carries the server-side SHA-256
            var head = store.client().headObject(b -> b.bucket("releases")
                    .key("team/prod/linux/rpms/RPM-GPG-KEY-avalanchego")
                    .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
            assertThat(head.checksumSHA256()).isEqualTo(Digests.base64(Digests.sha256(rel.resolve(ReleaseManifest.KEY_FILE))));
        }
    }

    @Test
    void wrongSecretGivesClearAuthenticationError() throws Exception {
        Path rel = release("1.0.1", "b");
        S3Settings bad = S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", S3ProxyFixture.ID,
                "AWS_SECRET_ACCESS_KEY", "not-the-secret", "AWS_ENDPOINT_URL", s3.endpoint())).withMaxAttempts(1);
        try (S3Store store = S3Store.open("s3://releases", bad)) {
            assertThatThrownBy(() -> new Publisher(store, o -> { }, s -> { })
                    .publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("S3 authentication failed (SignatureDoesNotMatch)")
                    .hasMessageContaining("AWS_SECRET_ACCESS_KEY")
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    @Test
    void checksumMismatchIsDetected() throws Exception {
        Path file = tmp.resolve("blob.bin");
        Files.write(file, "the real bytes".getBytes());
        try (S3Store store = S3Store.open("s3://releases/mismatch", s3.settings())) {
            // a declared SHA-256 that does not match the bytes sent: the server must reject the upload
            byte[] wrong = Digests.sha256("other bytes".getBytes());
            assertThatThrownBy(() -> store.put("a/blob.bin", file, wrong))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("s3://releases/mismatch/a/blob.bin");
            assertThat(store.head("a/blob.bin")).isEmpty();

            // an object whose stored bytes differ from what we expect (replaced behind our back)
            byte[] right = Digests.sha256(file);
            store.put("a/blob.bin", file, right);
            store.client().putObject(b -> b.bucket("releases").key("mismatch/a/blob.bin"),
                    RequestBody.fromString("the fake bytes"));
            assertThatThrownBy(() -> store.verify("a/blob.bin", right, Files.size(file)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("checksum mismatch")
                    .hasMessageContaining("s3://releases/mismatch/a/blob.bin");
        }
    }

    @Test
    void downloadIsStreamedAndVerified() throws Exception {
        Path file = tmp.resolve("obj.bin");
        Files.write(file, new byte[300_000]);
        byte[] sha = Digests.sha256(file);
        try (S3Store store = S3Store.open("s3://releases/dl", s3.settings())) {
            store.put("a/obj.bin", file, sha);
            Path target = tmp.resolve("out/obj.bin");
            assertThat(store.download("a/obj.bin", target)).isEqualTo(Digests.hex(sha));
            assertThat(target).hasSameBinaryContentAs(file);

            store.client().putObject(b -> b.bucket("releases").key("dl/a/obj.bin")
                    .metadata(Map.of(S3Store.SHA256_METADATA, Digests.hex(sha))), RequestBody.fromString("evil"));
            Path bad = tmp.resolve("out/bad.bin");
            assertThatThrownBy(() -> store.download("a/obj.bin", bad)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("s3://releases/dl/a/obj.bin").hasMessageContaining("corrupt");
            assertThat(bad).doesNotExist();
            assertThat(tmp.resolve("out")).isDirectoryNotContaining("glob:**.part");
            assertThatThrownBy(() -> store.download("a/missing.bin", bad)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("not found");
        }
    }

    @Test
    void republishingIsImmutable() throws Exception {
        Path rel = release("2.0.0", "c");
        try (S3Store store = S3Store.open("s3://releases", s3.settings())) {
            Publisher pub = new Publisher(store, o -> { }, s -> { });
            pub.publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
            Publisher.Result again = pub.publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
            assertThat(again.objects()).extracting(Publisher.Outcome::status).containsOnly(Publisher.Status.UNCHANGED);
            assertThat(again.objects()).extracting(Publisher.Outcome::detail)
                    .containsOnly("identical bytes already published");

            Path changed = release("2.0.0", "d");
            Files.copy(rel.resolve(ReleaseManifest.KEY_FILE), changed.resolve(ReleaseManifest.KEY_FILE),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            byte[] before = store.get("linux/rpms/x86_64/avalanchego-v2.0.0-x86_64.rpm").orElseThrow();
            List<Publisher.Outcome> seen = new ArrayList<>();
            assertThatThrownBy(() -> new Publisher(store, seen::add, s -> { })
                    .publish(changed, Publisher.Options.defaults(null).withoutReleaseChecks()))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("s3://releases/linux/rpms/x86_64/avalanchego-v2.0.0-x86_64.rpm")
                    .hasMessageContaining("--force");
            assertThat(seen).extracting(Publisher.Outcome::status).containsExactlyInAnyOrder(
                    Publisher.Status.REFUSED, Publisher.Status.REFUSED, Publisher.Status.UNCHANGED);
            assertThat(store.get("linux/rpms/x86_64/avalanchego-v2.0.0-x86_64.rpm").orElseThrow()).isEqualTo(before);

            Publisher.Result forced = pub.publish(changed, Publisher.Options.defaults(null).withoutReleaseChecks().withForce(true));
            assertThat(forced.objects()).extracting(Publisher.Outcome::status).containsExactlyInAnyOrder(
                    Publisher.Status.REPLACED, Publisher.Status.REPLACED, Publisher.Status.UNCHANGED);
            assertThat(store.get("linux/rpms/x86_64/avalanchego-v2.0.0-x86_64.rpm").orElseThrow())
                    .isEqualTo(Files.readAllBytes(changed.resolve("avalanchego-v2.0.0-x86_64.rpm")));
        }
    }

    @Test
    void multipartUploadOfMoreThan100MiB() throws Exception {
        Path big = tmp.resolve("big.bin");
        long size = 105L * 1024 * 1024 + 12345;
        Random rnd = new Random(42);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long left = size; left > 0; left -= block.length) {
                rnd.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        byte[] sha = Digests.sha256(big);
        S3Settings settings = s3.settings().withMultipart(32L << 20, 16L << 20, 4);
        try (S3Store store = S3Store.open("s3://big/data", settings)) {
            long t0 = System.nanoTime();
            String how = store.put("x/big.bin", big, sha);
            System.out.printf("multipart upload of %d MiB: %d ms (%s)%n", size >> 20,
                    (System.nanoTime() - t0) / 1_000_000, how);
            assertThat(how).contains("composite checksum of 7 parts matches");
            assertThat(store.head("x/big.bin")).get().extracting(StoredObject::size, StoredObject::sha256Hex)
                    .containsExactly(size, Digests.hex(sha));
            try (InputStream in = store.client().getObject(b -> b.bucket("big").key("data/x/big.bin"),
                    ResponseTransformer.toInputStream())) {
                assertThat(Digests.sha256(in)).isEqualTo(sha);
            }
            assertThat(store.client().listMultipartUploads(b -> b.bucket("big")).uploads()).isEmpty();
        }
    }
}
