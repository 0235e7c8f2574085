package io.avalanche.rpm.cli;

import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.publish.S3ProxyFixture;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A real release (gpg-made key with passphrase) to S3Proxy, validated from S3, then re-run idempotently. */
class ReleaseToS3Test {
    static final String ARCH = io.avalanche.rpm.format.Arch.host().rpm();

    @TempDir
    Path tmp;

    private record Out(int rc, String out, String err) {
    }

    private static Out release(Map<String, String> env, String... args) {
        CliRunner.Run r = CliRunner.runWith(new ReleaseCommand(env), args);
        return new Out(r.exitCode(), r.out(), r.err());
    }

    @Test
    void releasesToS3AndValidatesFromThere() throws Exception {
        String pass = "s3 release passphrase 42";
        Path secret = tmp.resolve("release.asc");
        TestKeys.gpg(tmp, "release", "rsa3072", "1y", pass, secret, tmp.resolve("release-pub.asc"));

        Path source = tmp.resolve("src");
        TestPackages.sampleRepo(source, TestPackages.SAMPLE, "v1.14.1-rc.2");

        try (S3ProxyFixture s3 = S3ProxyFixture.start("releases")) {
            Map<String, String> env = new HashMap<>(s3.env());
            env.put("RPM_KEY_PASS", pass);
            String[] args = {"release", "--tag", "v1.14.1-rc.2", "--source", source.toString(), "--key",
                secret.toString(), "--passphrase-env", "RPM_KEY_PASS", "--to", "s3://releases/prod", "--local",
                "--out", tmp.resolve("out").toString(), "--compression", "zstd:3"};
            Out first = release(env, args);
            assertThat(first.rc()).as(first.out() + first.err()).isZero();
            assertThat(first.err()).contains("uploaded s3://releases/prod/linux/rpms/testing/" + ARCH + "/avalanchego-v1.14.1-rc.2-" + ARCH + ".rpm",
                    "== validate from s3://releases/prod", "PASSED");
            assertThat(first.out() + first.err()).doesNotContain(pass).doesNotContain("PRIVATE KEY");
            try (ObjectStore store = Destinations.open("s3://releases/prod", s3.settings())) {
                assertThat(store.head("linux/rpms/testing/" + ARCH + "/repodata/repomd.xml.asc")).isPresent();
                assertThat(store.head("linux/rpms/RPM-GPG-KEY-avalanchego")).isPresent();
                assertThat(store.head("linux/rpms/testing/" + ARCH + "/subnet-evm-v1.14.1-rc.2-" + ARCH + ".rpm")).isPresent();
            }

            // released again later: the new signature's creation time makes new bytes, which are refused
            String before;
            try (ObjectStore store = Destinations.open("s3://releases/prod", s3.settings())) {
                before = store.head("linux/rpms/testing/" + ARCH + "/avalanchego-v1.14.1-rc.2-" + ARCH + ".rpm").orElseThrow().sha256Hex();
            }
            Out second = release(env, args);
            assertThat(second.rc()).as(second.err()).isEqualTo(1);
            assertThat(second.err()).contains("refusing to overwrite", "immutable", "Nothing was uploaded");
            try (ObjectStore store = Destinations.open("s3://releases/prod", s3.settings())) {
                assertThat(store.head("linux/rpms/testing/" + ARCH + "/avalanchego-v1.14.1-rc.2-" + ARCH + ".rpm").orElseThrow()
                        .sha256Hex()).isEqualTo(before);
            }
        }
    }
}
