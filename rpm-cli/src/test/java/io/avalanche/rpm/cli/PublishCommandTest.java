package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.publish.S3ProxyFixture;
import io.avalanche.rpm.publish.TestGpg;
import io.avalanche.rpm.publish.TestRpms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rpm-release publish: file and S3 destinations, progress lines, immutability exit codes, JSON output. */
class PublishCommandTest {
    @TempDir
    Path tmp;
    /** Signs the test packages (rpmsign) and is their published key. */
    static TestGpg gpg;
    static Path gpgParent;

    @BeforeAll
    static void key() throws Exception {
        gpgParent = Files.createTempDirectory("publish-cli-gpg");
        gpg = TestGpg.generate(gpgParent);
    }

    @AfterAll
    static void dropKey() throws Exception {
        gpg.close();
        Files.deleteIfExists(gpgParent);
    }

    private Path release(String marker) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work-" + marker));
        Path rel = Files.createDirectories(tmp.resolve("release-" + marker));
        Path p = TestRpms.build(work, "avalanchego", "1.14.1", "x86_64", List.of("Provides: marker-" + marker));
        Files.move(p, rel.resolve("avalanchego-v1.14.1-x86_64.rpm"));
        gpg.rpmsign(rel.resolve("avalanchego-v1.14.1-x86_64.rpm"));
        Files.write(rel.resolve("RPM-GPG-KEY-avalanchego"), gpg.publicKey());
        return rel;
    }

    private record Out(int rc, String out, String err) {
    }

    private static Out main(String... args) {
        CliRunner.Run r = CliRunner.run(args);
        return new Out(r.exitCode(), r.out(), r.err());
    }

    /** Like Main.run, with the environment handed to the command instead of System.getenv(). */
    private static Out withEnv(Map<String, String> env, String... args) {
        CliRunner.Run r = CliRunner.runWith(new PublishCommand(env), args);
        return new Out(r.exitCode(), r.out(), r.err());
    }

    @Test
    void publishesToAFileDestinationAndEnforcesImmutability() throws Exception {
        Path rel = release("a");
        Path dest = tmp.resolve("bucket");
        Out first = main("publish", "--to", "file:" + dest, rel.toString());
        assertThat(first.rc()).as(first.err()).isZero();
        assertThat(first.out().lines().filter(l -> l.startsWith("uploaded "))).hasSize(2);
        assertThat(first.out()).contains("uploaded  " + dest.resolve("linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm"));
        assertThat(dest.resolve("linux/rpms/x86_64/repodata/repomd.xml")).exists();
        assertThat(first.err()).contains("repomd.xml is not signed");

        Out again = main("publish", "--to", "file:" + dest, rel.toString());
        assertThat(again.rc()).isZero();
        assertThat(again.out().lines().filter(l -> l.startsWith("unchanged "))).hasSize(2);

        Path other = release("b");
        Out refused = main("publish", "--to", "file:" + dest, other.toString());
        assertThat(refused.rc()).isEqualTo(Main.FAILURE);
        assertThat(refused.out()).contains("refused   " + dest.resolve("linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm"));
        assertThat(refused.err()).contains("error: refusing to overwrite", "--force");

        Out forced = main("publish", "--to", "file:" + dest, "--force", other.toString());
        assertThat(forced.rc()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("replaced  ");
        assertThat(Files.readAllBytes(dest.resolve("linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm")))
                .isEqualTo(Files.readAllBytes(other.resolve("avalanchego-v1.14.1-x86_64.rpm")));
    }

    @Test
    void publishesToS3WithCredentialsFromTheEnvironmentAndPrintsJson() throws Exception {
        Path rel = release("c");
        try (S3ProxyFixture s3 = S3ProxyFixture.start("cli")) {
            Map<String, String> env = new HashMap<>(s3.env("http://127.0.0.1:1"));
            Out r = withEnv(env, "publish", "--to", "s3://cli/pre", "--endpoint", s3.endpoint(), "--json",
                    "--base-url", "https://downloads.example.invalid/pre", rel.toString());
            assertThat(r.rc()).as(r.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("objects")).hasSize(2);
            assertThat(json.get("objects").get(0).get("location").asText())
                    .isEqualTo("s3://cli/pre/linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm");
            assertThat(json.get("objects").get(0).get("status").asText()).isEqualTo("uploaded");
            assertThat(json.get("repositories").get(0).get("packages").asInt()).isEqualTo(1);
            assertThat(json.get("repoFile").asText()).isEqualTo(s3.endpoint() + "/cli/pre/linux/rpms/avalanchego.repo");
            try (var store = io.avalanche.rpm.store.S3Store.open("s3://cli/pre", s3.settings())) {
                assertThat(new String(store.get("linux/rpms/avalanchego.repo").orElseThrow(), StandardCharsets.UTF_8))
                        .contains("baseurl=https://downloads.example.invalid/pre/linux/rpms/$basearch/",
                                "gpgkey=https://downloads.example.invalid/pre/linux/rpms/RPM-GPG-KEY-avalanchego");
            }
            assertThat(r.err()).contains("uploaded  s3://cli/pre/linux/rpms/RPM-GPG-KEY-avalanchego");

            env.put("AWS_SECRET_ACCESS_KEY", "wrong");
            Out bad = withEnv(env, "publish", "--to", "s3://cli/pre", "--endpoint", s3.endpoint(), rel.toString());
            assertThat(bad.rc()).isEqualTo(Main.FAILURE);
            assertThat(bad.err()).contains("S3 authentication failed").doesNotContain("wrong");
        }
    }

    /** The base URL becomes lines of the customers' .repo file: a line break in it would add lines of its own. */
    @Test
    void aBaseUrlThatCannotStandInTheRepoFileIsRefusedBeforeAnyWrite() throws Exception {
        Path rel = release("base");
        Path dest = tmp.resolve("base-bucket");
        for (String url : List.of("https://cdn.example.com/x\ngpgcheck=0", "javascript:alert(1)", "https://cdn/x?a=b",
                "https://cdn.example.com/a b", "//cdn.example.com/x", "https:///x", "s3://bucket/x")) {
            Out r = main("publish", "--to", "file:" + dest, "--base-url", url, rel.toString());
            assertThat(r.rc()).as(url + ": " + r.err()).isEqualTo(Main.USAGE);
            assertThat(r.err().strip().lines().reduce((a, b) -> b).orElseThrow()).as(url)
                    .startsWith("error: --base-url '")
                    .contains("is not an http, https, ftp or file URL without query or fragment");
            assertThat(dest).as(url).doesNotExist();
        }
        for (String url : List.of("http://127.0.0.1:8080/history/", "file:///srv/mirror", "FTP://ftp.example.org/pub")) {
            Out r = main("publish", "--to", "file:" + dest, "--base-url", url, "--dry-run", rel.toString());
            assertThat(r.rc()).as(url + ": " + r.err()).isZero();
        }
    }

    @Test
    void missingDestinationIsAUsageError() {
        Out r = main("publish", "somewhere");
        assertThat(r.rc()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--to");
    }
}
