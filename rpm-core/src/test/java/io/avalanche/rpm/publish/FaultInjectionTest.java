package io.avalanche.rpm.publish;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.StoreException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Publishing through a loopback proxy that injects 500/503 responses and connection resets. */
class FaultInjectionTest {
    S3ProxyFixture s3;
    FaultProxy proxy;
    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyFixture.start("rel");
        proxy = new FaultProxy(s3.proxy.getPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        s3.close();
    }

    private S3Settings viaProxy(int attempts) {
        return S3Settings.fromEnvironment(s3.env(proxy.endpoint())).withMultipart(5L << 20, 5L << 20, 3)
                .withMaxAttempts(attempts);
    }

    private Path release() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path rel = Files.createDirectories(tmp.resolve("release"));
        for (String arch : List.of("x86_64", "aarch64")) {
            Path p = TestRpms.build(work, "avalanchego", "1.2.3", arch, List.of());
            Files.move(p, rel.resolve("avalanchego-v1.2.3-" + arch + ".rpm"));
        }
        Files.writeString(rel.resolve(ReleaseManifest.KEY_FILE), "key\n");
        return rel;
    }

    private Path bigFile(long size) throws Exception {
        Path f = tmp.resolve("big-" + size + ".bin");
        Random rnd = new Random(size);
        byte[] b = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long left = size; left > 0; left -= b.length) {
                rnd.nextBytes(b);
                out.write(b, 0, (int) Math.min(b.length, left));
            }
        }
        return f;
    }

    @Test
    void eachRetryIsSaidWithWhyTheAttemptBeforeFailed() throws Exception {
        Files.writeString(tmp.resolve("k"), "object\n");
        S3Settings settings = viaProxy(4).withTimeouts(java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(30));
        AtomicInteger heads = new AtomicInteger();
        proxy.policy = (n, method, path) -> !method.equals("HEAD") ? FaultProxy.Fault.NONE
                : switch (heads.incrementAndGet()) {
                    case 1 -> FaultProxy.Fault.HTTP_503;
                    case 2 -> FaultProxy.Fault.SILENT;
                    case 3 -> FaultProxy.Fault.RESET;
                    default -> FaultProxy.Fault.NONE;
                };
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (S3Store store = new S3Store("rel", "", settings)) {
            store.reportRetries(said::add);
            assertThat(store.head("linux/rpms/k")).isEmpty();   // the fourth attempt is answered: no such object
        }
        String at = "S3 endpoint " + proxy.endpoint() + ": HEAD s3://rel/linux/rpms/k: ";
        assertThat(said).hasSize(3);
        assertThat(said.get(0)).isEqualTo(at + "HTTP 503 (attempt 1 of 4); trying again");
        assertThat(said.get(1)).isEqualTo(at + "no answer within 1s (--attempt-timeout) (attempt 2 of 4); trying again");
        assertThat(said.get(2)).startsWith(at + "no answer: the connection failed after ")
                .endsWith("s (attempt 3 of 4); trying again");

        said.clear();
        proxy.policy = (n, method, path) -> FaultProxy.Fault.SILENT;
        try (S3Store store = new S3Store("rel", "", settings.withMaxAttempts(2))) {
            store.reportRetries(said::add);
            assertThatThrownBy(() -> store.head("linux/rpms/k")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("did not answer in time");
        }
        assertThat(said).containsExactly(at + "no answer within 1s (--attempt-timeout) (attempt 1 of 2); trying again");

        // a Pipeline step's timeouts are fixed: its messages name no command-line option
        said.clear();
        S3Settings step = settings.withMaxAttempts(2).withWording(S3Settings.Wording.fixed("rpmPublish"));
        try (S3Store store = new S3Store("rel", "", step)) {
            store.reportRetries(said::add);
            assertThatThrownBy(() -> store.head("linux/rpms/k")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("each attempt is bounded by 1s, the whole rpmPublish by 30s): check"
                            + " AWS_ENDPOINT_URL and the network").hasMessageNotContaining("--");
        }
        assertThat(said).containsExactly(at + "no answer within 1s (attempt 1 of 2); trying again");
    }

    @Test
    void transientFaultsAreRetriedAndUploadsEndCorrect() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        AtomicInteger heads = new AtomicInteger();
        proxy.policy = (n, method, path) -> {
            if (method.equals("PUT")) {
                return switch (puts.incrementAndGet()) {
                    case 1 -> FaultProxy.Fault.HTTP_503;
                    case 2 -> FaultProxy.Fault.RESET;
                    case 4, 7 -> FaultProxy.Fault.HTTP_500;
                    case 9 -> FaultProxy.Fault.RESET;
                    default -> FaultProxy.Fault.NONE;
                };
            }
            if (method.equals("HEAD") && heads.incrementAndGet() == 2) {
                return FaultProxy.Fault.HTTP_500;
            }
            return FaultProxy.Fault.NONE;
        };
        Path rel = release();
        Path big = bigFile(12L << 20);
        try (S3Store faulty = S3Store.open("s3://rel", viaProxy(6));
             S3Store direct = S3Store.open("s3://rel", s3.settings())) {
            new Publisher(faulty, o -> { }, s -> { }).publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
            faulty.put("blobs/big.bin", big, Digests.sha256(big));
            assertThat(proxy.faultsInjected()).as(String.join("\n", proxy.log)).isGreaterThanOrEqualTo(6);
            for (String arch : List.of("x86_64", "aarch64")) {
                String name = "avalanchego-v1.2.3-" + arch + ".rpm";
                assertThat(direct.get("linux/rpms/" + arch + "/" + name).orElseThrow())
                        .isEqualTo(Files.readAllBytes(rel.resolve(name)));
                assertThat(RepoMetadataCreaterepoTestSupport.packages(direct, "linux/rpms/" + arch + "/"))
                        .containsExactly(name);
            }
            assertThat(Digests.sha256(direct.get("blobs/big.bin").orElseThrow())).isEqualTo(Digests.sha256(big));
            assertThat(direct.client().listMultipartUploads(b -> b.bucket("rel")).uploads()).isEmpty();
        }
    }

    @Test
    void hardFailureLeavesNothingPartialAndRerunIsIdempotent() throws Exception {
        Path big = bigFile(12L << 20);
        proxy.policy = (n, method, path) -> method.equals("PUT") && path.contains("partNumber=2")
                ? FaultProxy.Fault.HTTP_500 : FaultProxy.Fault.NONE;
        try (S3Store faulty = S3Store.open("s3://rel", viaProxy(2));
             S3Store direct = S3Store.open("s3://rel", s3.settings())) {
            assertThatThrownBy(() -> faulty.put("blobs/big.bin", big, Digests.sha256(big)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("s3://rel/blobs/big.bin").hasMessageContaining("aborted");
            assertThat(direct.head("blobs/big.bin")).isEmpty();
            assertThat(direct.client().listMultipartUploads(b -> b.bucket("rel")).uploads()).isEmpty();

            Path rel = release();
            proxy.policy = (n, method, path) -> method.equals("PUT") && path.contains("x86_64.rpm")
                    ? FaultProxy.Fault.HTTP_503 : FaultProxy.Fault.NONE;
            assertThatThrownBy(() -> new Publisher(faulty, o -> { }, s -> { })
                    .publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("s3://rel/linux/rpms/x86_64/avalanchego-v1.2.3-x86_64.rpm");
            assertThat(direct.head("linux/rpms/x86_64/avalanchego-v1.2.3-x86_64.rpm")).isEmpty();
            assertThat(direct.head("linux/rpms/x86_64/repodata/repomd.xml")).isEmpty();

            proxy.policy = (n, method, path) -> FaultProxy.Fault.NONE;
            Publisher.Result rerun = new Publisher(faulty, o -> { }, s -> { })
                    .publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
            // the uploads of one publish run concurrently and all finish before it fails: only the refused one is left
            assertThat(rerun.objects()).extracting(o -> o.key() + " " + o.status()).containsExactly(
                    "linux/rpms/aarch64/avalanchego-v1.2.3-aarch64.rpm UNCHANGED",
                    "linux/rpms/RPM-GPG-KEY-avalanchego UNCHANGED",
                    "linux/rpms/x86_64/avalanchego-v1.2.3-x86_64.rpm UPLOADED");
            Publisher.Result third = new Publisher(faulty, o -> { }, s -> { })
                    .publish(rel, Publisher.Options.defaults(null).withoutReleaseChecks());
            assertThat(third.objects()).extracting(Publisher.Outcome::status)
                    .containsOnly(Publisher.Status.UNCHANGED);
            faulty.put("blobs/big.bin", big, Digests.sha256(big));
            assertThat(Digests.sha256(direct.get("blobs/big.bin").orElseThrow())).isEqualTo(Digests.sha256(big));
        }
    }
}
