package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings from withAWS variables, destination parsing, and the file store's atomic writes. */
class StoreBasicsTest {
    @TempDir
    Path tmp;

    @Test
    void settingsComeFromTheGivenMapAndExplicitValuesOverrideThem() {
        S3Settings s = S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAX", "AWS_SECRET_ACCESS_KEY",
                "s3cr3t-value", "AWS_SESSION_TOKEN", "tok3n-value", "AWS_DEFAULT_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9000", "AWS_PROFILE", " "));
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.profile()).isNull();
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.toString()).doesNotContain("s3cr3t-value", "tok3n-value", "AKIAX");
        S3Settings o = s.withRegion("us-west-2").withEndpoint("http://127.0.0.1:9999");
        assertThat(o.region()).isEqualTo("us-west-2");
        assertThat(o.endpoint().getPort()).isEqualTo(9999);
        assertThat(S3Settings.fromEnvironment(Map.of("AWS_REGION", "ap-south-1", "AWS_DEFAULT_REGION", "x"))
                .region()).isEqualTo("ap-south-1");
        S3Settings none = S3Settings.fromEnvironment(Map.of());
        assertThat(none.pathStyle()).isFalse();
        assertThat(none.effectiveRegion()).isEqualTo("us-east-1");
        assertThatThrownBy(() -> s.withEndpoint("not a url")).isInstanceOf(StoreException.class)
                .hasMessageContaining("not a URL");
    }

    @Test
    void destinationsAreParsed() {
        try (ObjectStore s = Destinations.open("s3://bucket/some/prefix/", S3Settings.defaults())) {
            assertThat(s.describe("linux/rpms/x.rpm")).isEqualTo("s3://bucket/some/prefix/linux/rpms/x.rpm");
            assertThat(s.publicUrl("linux/rpms/")).isEqualTo(
                    "https://bucket.s3.us-east-1.amazonaws.com/some/prefix/linux/rpms/");
        }
        try (ObjectStore s = Destinations.open("file:" + tmp, S3Settings.defaults())) {
            assertThat(s.describe("a/b")).isEqualTo(tmp.resolve("a/b").toString());
        }
        assertThatThrownBy(() -> Destinations.open("ftp://x", S3Settings.defaults()))
                .isInstanceOf(io.avalanche.rpm.SpecException.class).hasMessageContaining("s3://BUCKET");
        assertThatThrownBy(() -> Destinations.open("s3://", S3Settings.defaults()))
                .isInstanceOf(io.avalanche.rpm.SpecException.class);
    }

    @Test
    void keysWithDotOrEmptySegmentsAreRefusedByBothStores() {
        for (String prefix : List.of("a/../b", "./c", "a//b", "..")) {
            assertThatThrownBy(() -> new S3Store("bucket", prefix, S3Settings.defaults()))
                    .as(prefix).hasMessageContaining("segment");
        }
        try (S3Store s3 = new S3Store("bucket", "p", S3Settings.defaults())) {
            assertThatThrownBy(() -> s3.head("linux/./rpms/x.rpm")).hasMessageContaining("segment");
            assertThatThrownBy(() -> s3.delete("linux/rpms/../x.rpm")).hasMessageContaining("segment");
        }
        FileStore fs = new FileStore(tmp.resolve("dots"));
        assertThatThrownBy(() -> fs.put("linux/./x", new byte[1], "text/plain")).hasMessageContaining("segment");
        assertThat(fs.root().resolve("linux")).doesNotExist();
    }

    @Test
    void fileStoreWritesAtomicallyAndStaysInsideItsRoot() throws Exception {
        FileStore fs = new FileStore(tmp.resolve("root"));
        Path src = Files.writeString(tmp.resolve("src.txt"), "hello");
        assertThat(fs.put("x/y/z.txt", src, Digests.sha256(src))).isEqualTo("sha256 re-read");
        assertThat(fs.head("x/y/z.txt")).get().extracting(StoredObject::sha256Hex)
                .isEqualTo(Digests.hex(Digests.sha256(src)));
        assertThat(fs.list("x/")).extracting(StoredObject::key).containsExactly("x/y/z.txt");
        assertThatThrownBy(() -> fs.put("x/other.txt", src, Digests.sha256("other".getBytes())))
                .isInstanceOf(StoreException.class).hasMessageContaining("changed while copying");
        assertThat(fs.head("x/other.txt")).isEmpty();
        try (var files = Files.walk(fs.root())) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith(".tmp-"))).isEmpty();
        }
        assertThatThrownBy(() -> fs.put("../escape.txt", src, Digests.sha256(src)))
                .isInstanceOf(StoreException.class).hasMessageContaining("'..' segment");
        assertThat(fs.getRange("x/y/z.txt", 1, 3)).isEqualTo("ell".getBytes());
    }
}
