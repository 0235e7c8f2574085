package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `release` and `build` through Main.run: refusals happen before any build work; failures are clear. */
class ReleaseCommandTest {
    @TempDir
    Path tmp;
    Path source;
    Path marker;

    /** A copy of the sample tree in a git repository whose build script leaves a marker when it runs. */
    @BeforeEach
    void sample() throws IOException {
        source = tmp.resolve("src");
        TestPackages.copySample(source);
        marker = tmp.resolve("build-ran");
        Path build = source.resolve("scripts/build.sh");
        Files.writeString(build, Files.readString(build).replace("set -euo pipefail",
                "set -euo pipefail\ntouch '" + marker + "'"));
        TestPackages.commitAll(source);
        TestPackages.tag(source, "v1.14.1");
    }





    private CliRunner.Run release(String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("release", "--source", source.toString(), "--out",
                tmp.resolve("out").toString(), "--local"));
        a.addAll(List.of(extra));
        return CliRunner.run(a.toArray(new String[0]));
    }

    @Test
    void releaseWithoutKeyIsRefusedBeforeAnyBuildWork() {
        CliRunner.Run r = release("--tag", "v1.14.1", "--to", "file:" + tmp.resolve("bucket"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--key FILE", "--ephemeral");
        assertThat(marker).doesNotExist();
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void withServiceAndLocalValidationIsRefusedBeforeAnyBuildWork() {
        CliRunner.Run r = release("--tag", "v1.14.1", "--ephemeral", "--with-service");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--with-service cannot be validated with --local", "in a container only");
        assertThat(marker).doesNotExist();
        assertThat(tmp.resolve("out")).doesNotExist();
        CliRunner.Run plan = CliRunner.run("release", "--source", source.toString(), "--out",
                tmp.resolve("out").toString(), "--tag", "v1.14.1", "--ephemeral", "--with-service", "--dry-run",
                "--to", "file:" + tmp.resolve("bucket"));
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("package avalanchego-service: noarch",
                "/avalanchego-service-v1.14.1-noarch.rpm");
        assertThat(marker).doesNotExist();
    }

    @Test
    void ephemeralReleaseToS3IsRefusedBeforeAnyBuildWork() {
        CliRunner.Run r = release("--tag", "v1.14.1", "--ephemeral", "--to", "s3://bucket/prefix");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("ephemeral", "s3://bucket/prefix");
        assertThat(marker).doesNotExist();
    }

    @Test
    void pullRequestBuildsPublishNothingAndTakeNoKey() {
        assertThat(release("--pr", "0123456789abcdef", "--to", "file:" + tmp.resolve("b")).err())
                .contains("publish nothing");
        assertThat(release("--pr", "0123456789abcdef", "--key", tmp.resolve("k.asc").toString()).err())
                .contains("ephemeral");
        assertThat(release("--pr", "nothex").exitCode()).isEqualTo(2);
        assertThat(marker).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.2.3;rm -rf /", "latest", ""})
    void badTagsAreRefusedBeforeAnyBuildWork(String tag) {
        CliRunner.Run r = release("--tag", tag, "--ephemeral");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("tag");
        assertThat(marker).doesNotExist();
        CliRunner.Run b = CliRunner.run("build", "--source", source.toString(), "--tag", tag, "--out",
                tmp.resolve("o").toString());
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(marker).doesNotExist();
    }

    @Test
    void missingSourceTreeIsAUsageError() {
        CliRunner.Run r = CliRunner.run("release", "--tag", "v1.14.1", "--ephemeral", "--local", "--source",
                tmp.resolve("nope").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nope", "does not exist");
        CliRunner.Run b = CliRunner.run("build", "--source", tmp.toString(), "--tag", "v1.14.1", "--out",
                tmp.resolve("o").toString());
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.err()).contains("scripts/build.sh is missing");
    }

    @Test
    void failingBuildScriptShowsItsOutputAndExitsOne() throws IOException {
        Files.writeString(source.resolve("main/avalanchego.c"), "this is not C\n");
        TestPackages.commitAll(source);
        Cmd.run("git", "-C", source.toString(), "tag", "-f", "v1.14.1").ok();
        CliRunner.Run r = CliRunner.run("build", "--source", source.toString(), "--tag", "v1.14.1", "--out",
                tmp.resolve("o").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("scripts/build.sh failed with exit code").contains("avalanchego.c")
                .doesNotContain("\tat ");
        assertThat(tmp.resolve("o").resolve("release.json")).doesNotExist();
    }

    @Test
    void pullRequestSmokeBuildValidatesFromTheReleaseDirectory() throws IOException {
        String sha = Cmd.run("git", "-C", source.toString(), "rev-parse", "HEAD").ok().output().trim();
        CliRunner.Run r = release("--pr", sha, "--json");   // a smoke build's default compression: zstd-3
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("\"tag\" : \"v0.0.0-pr." + sha.substring(0, 12) + "\"", "\"passed\" : true",
                "\"publishedTo\" : null");
        Path out = tmp.resolve("out");
        Path rpm = out.resolve("avalanchego-v0.0.0-pr." + sha.substring(0, 12) + "-"
                + io.avalanche.rpm.format.Arch.host().rpm() + ".rpm");
        assertThat(rpm).isRegularFile();
        assertThat(Cmd.run("rpm", "-qp", "--qf", "%{PAYLOADCOMPRESSOR}:%{PAYLOADFLAGS}\\n", rpm.toString()).ok()
                .output().lines()).last().isEqualTo("zstd:3");
        assertThat(Files.readString(out.resolve("validation-junit.xml"))).contains("<testsuite").contains("smoke")
                .doesNotContain("<failure");
        assertThat(r.err()).contains("smoke", "commit=" + sha);
    }

    @Test
    void releaseIntoABucketThatPublishesAnotherKeyExitsThreeAndUploadsNothing() throws IOException {
        Path bucket = tmp.resolve("bucket");
        CliRunner.Run first = release("--tag", "v1.14.1", "--ephemeral", "--to", "file:" + bucket);
        assertThat(first.exitCode()).as(first.all()).isZero();
        // the next release of the same tree under a new tag signs with a new ephemeral key: the bucket's key disagrees
        TestPackages.tag(source, "v1.14.2");
        java.util.Set<Path> before;
        try (var s = Files.walk(bucket)) {
            before = s.collect(java.util.stream.Collectors.toSet());
        }
        Path out2 = tmp.resolve("out2");
        CliRunner.Run second = CliRunner.run("release", "--source", source.toString(), "--out", out2.toString(),
                "--local", "--tag", "v1.14.2", "--ephemeral", "--to", "file:" + bucket);
        assertThat(second.exitCode()).as(second.all()).isEqualTo(3);
        assertThat(second.err()).doesNotContain("\tat ");
        try (var s = Files.walk(bucket)) {
            assertThat(s.collect(java.util.stream.Collectors.toSet())).isEqualTo(before);
        }
    }
}
