package io.avalanche.rpm.store;

import io.avalanche.rpm.publish.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 conditional writes against S3Proxy 4.1.0: If-None-Match: * refuses to overwrite, If-Match refuses a stale
 * ETag. These close the window between a publisher's check and its write.
 */
class S3ConditionalWriteTest {
    static S3ProxyFixture s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.start("cond");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void ifNoneMatchRefusesASecondCreate() {
        try (S3Store store = S3Store.open("s3://cond/a", s3.settings())) {
            store.putIfAbsent("k", b("first"), "text/plain");
            assertThatThrownBy(() -> store.putIfAbsent("k", b("second"), "text/plain"))
                    .isInstanceOf(ConcurrentWriteException.class).hasMessageContaining("s3://cond/a/k");
            assertThat(store.get("k")).get().isEqualTo(b("first"));
        }
    }

    @Test
    void ifMatchRefusesAStaleVersion() {
        try (S3Store store = S3Store.open("s3://cond/b", s3.settings())) {
            store.put("repomd.xml", b("v1"), "application/xml");
            String v1 = store.getVersioned("repomd.xml").orElseThrow().tag();
            store.putIf("repomd.xml", b("v2"), "application/xml", v1);
            assertThat(store.get("repomd.xml")).get().isEqualTo(b("v2"));
            // a second writer that also read v1 loses
            assertThatThrownBy(() -> store.putIf("repomd.xml", b("v3"), "application/xml", v1))
                    .isInstanceOf(ConcurrentWriteException.class);
            assertThat(store.get("repomd.xml")).get().isEqualTo(b("v2"));
            // "only while absent" on an existing object loses too
            assertThatThrownBy(() -> store.putIf("repomd.xml", b("v4"), "application/xml", null))
                    .isInstanceOf(ConcurrentWriteException.class);
        }
    }

    /** A file replaced only while the stored object is the version read: one PUT, and a multipart completion. */
    @ParameterizedTest
    @ValueSource(longs = {4096, (11L << 20) + 17})
    void aReplacementOfAFileIsConditionalOnTheETagRead(long size, @TempDir Path tmp) throws Exception {
        S3Settings settings = s3.settings().withMultipart(5L << 20, 5L << 20, 2);
        try (S3Store store = S3Store.open("s3://cond/c" + size, settings)) {
            Path first = file(tmp.resolve("first"), size, 1);
            Path second = file(tmp.resolve("second"), size, 2);
            Path third = file(tmp.resolve("third"), size, 3);
            store.put("k.rpm", first, FileHashes.of(first, store.partSize(size)), null);
            String read = store.head("k.rpm").orElseThrow().tag();
            assertThat(read).isNotBlank();
            // another writer replaces it after it was read
            store.put("k.rpm", second, FileHashes.of(second, store.partSize(size)), read);
            String now = store.head("k.rpm").orElseThrow().tag();
            assertThatThrownBy(() -> store.put("k.rpm", third, FileHashes.of(third, store.partSize(size)), read))
                    .isInstanceOf(ConcurrentWriteException.class).hasMessageContaining("s3://cond/c" + size + "/k.rpm")
                    .hasMessageContaining("changed");
            assertThat(store.get("k.rpm").orElseThrow()).isEqualTo(Files.readAllBytes(second));
            store.put("k.rpm", third, FileHashes.of(third, store.partSize(size)), now);
            assertThat(store.get("k.rpm").orElseThrow()).isEqualTo(Files.readAllBytes(third));
            assertThat(store.client().listMultipartUploads(x -> x.bucket("cond")).uploads()).isEmpty();
        }
    }

    private static Path file(Path p, long size, int seed) throws Exception {
        byte[] b = new byte[(int) size];
        new java.util.Random(seed).nextBytes(b);
        return Files.write(p, b);
    }
}
