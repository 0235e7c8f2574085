package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.S3ProxyFixture;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Rules rpm-core decides once for every command: an ephemeral-key release never goes to s3:// (issue 21 item 7),
 * a bad SOURCE_DATE_EPOCH is refused by publish as by package, and validate takes --timeout / --attempt-timeout and
 * names its own options when S3 does not answer (item 14).
 */
class PublishKeyRulesTest {
    @TempDir
    Path tmp;

    /** A release directory with one package signed by `sign --ephemeral` and its RPM-GPG-KEY-avalanchego. */
    private Path ephemeralRelease() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("release"));
        Path rpm = TestPackages.avalanchego(Files.createDirectories(tmp.resolve("build")), Compression.parse("gzip"),
                2000);
        rpm = Files.move(rpm, dir.resolve(rpm.getFileName().toString()));   // the name its header gives
        CliRunner.Run sign = CliRunner.run("sign", "--ephemeral", rpm.toString());
        assertThat(sign.exitCode()).as(sign.all()).isZero();
        return dir;
    }

    @Test
    void anEphemeralKeyReleaseIsRefusedForS3AsReleaseRefusesItAndAllowedForAFileDestination() throws Exception {
        Path rel = ephemeralRelease();
        try (S3ProxyFixture s3 = S3ProxyFixture.start("customers")) {
            CliRunner.Run r = CliRunner.runWith(new PublishCommand(s3.env()), "publish", "--to", "s3://customers/prod",
                    rel.toString());
            assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).singleElement().asString()
                    .startsWith("error: refusing to publish an ephemeral-signed release to s3://customers/prod: "
                            + rel.resolve("RPM-GPG-KEY-avalanchego") + " holds ephemeral key ")
                    .endsWith("sign with --key FILE");
            try (ObjectStore store = Destinations.open("s3://customers", s3.settings())) {
                assertThat(store.list("")).as("nothing was uploaded").isEmpty();
            }
        }
        Path bucket = tmp.resolve("bucket");
        CliRunner.Run local = CliRunner.runWith(new PublishCommand(Map.of()), "publish", "--to", "file:" + bucket,
                rel.toString());
        assertThat(local.exitCode()).as("a local trial may publish it: " + local.all()).isZero();
    }

    @Test
    void publishRefusesABadSourceDateEpochAsPackageDoes() throws Exception {
        Path rel = ephemeralRelease();
        Path bucket = tmp.resolve("bucket");
        CliRunner.Run r = CliRunner.runWith(new PublishCommand(Map.of("SOURCE_DATE_EPOCH", "yesterday")), "publish",
                "--to", "file:" + bucket, rel.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("SOURCE_DATE_EPOCH='yesterday' is not a number of seconds since 1970");
        assertThat(bucket).doesNotExist();
        CliRunner.Run p = CliRunner.runWith(new PackageCommand(Map.of("SOURCE_DATE_EPOCH", "yesterday")), "package",
                "--name", "x", "--version", "1", "--arch", "noarch", "--file", rel.resolve("RPM-GPG-KEY-avalanchego")
                        + ":/opt/x", "--out", tmp.resolve("pkg").toString());
        assertThat(p.exitCode()).isEqualTo(Main.USAGE);
        assertThat(p.err()).contains("SOURCE_DATE_EPOCH='yesterday' is not a number of seconds since 1970");
    }

    @Test
    void validateFromASilentS3EndpointStopsAtItsOwnTimeoutAndNamesIt() throws Exception {
        try (SilentEndpoint silent = SilentEndpoint.start()) {
            String endpoint = silent.url();
            Map<String, String> env = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "AKIASILENT",
                    "AWS_SECRET_ACCESS_KEY", "silent-secret", "AWS_REGION", "us-east-1"));
            // the bound guards against the old wait (363 s); the command's own bound is 3 s
            CliRunner.Run r = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> CliRunner.runWith(
                    new ValidateCommand(env), "validate", "--from", "s3://silent/prod", "--endpoint", endpoint,
                    "--attempt-timeout", "1s", "--timeout", "3s", "--tag", "v1.14.1", "--arch", "x86_64", "--commit",
                    "0123456789abcdef0123456789abcdef01234567", "--local", "--trust-published-key"));
            assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.FAILURE);
            assertThat(r.err()).contains(endpoint, "did not answer", "validate", "--timeout")
                    .doesNotContain("publish");
            assertThat(silent.connected()).as("validate asked the endpoint: " + r.all()).isTrue();
        }
    }
}
