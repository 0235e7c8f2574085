package io.avalanche.rpm.cli;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A `release` that fails validation (exit 3) leaves --out as it was: the previous good release's RPMs, key and
 * release.json stay, none of the failed run's files arrive (issue 21, point 8). A validation that fails after
 * publishing: rpm-core's ReleaseCommitTest.
 */
class ReleaseOutputTest {
    @TempDir
    Path tmp;
    Path source;
    Path out;

    @BeforeEach
    void sample() throws IOException {
        source = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1", "v1.14.2");
        out = tmp.resolve("out");
    }

    private CliRunner.Run release(String tag, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("release", "--source", source.toString(), "--out",
                out.toString(), "--local", "--tag", tag, "--ephemeral", "--compression", "zstd:1"));
        a.addAll(List.of(extra));
        return CliRunner.run(a.toArray(new String[0]));
    }

    /** The release files of a directory (not the JUnit report) with their SHA-256. */
    private static Map<String, String> releaseFiles(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.equals("validation-junit.xml")) {
                    m.put(n, Files.isRegularFile(p) ? Digests.hex(Digests.sha256(p)) : "(directory)");
                }
            }
        }
        return m;
    }

    @Test
    void aReleaseThatFailsValidationBeforePublishingLeavesOutAsItWas() throws IOException {
        CliRunner.Run good = release("v1.14.1");
        assertThat(good.exitCode()).as(good.all()).isZero();
        Map<String, String> before = releaseFiles(out);
        assertThat(before).containsKeys("release.json", "RPM-GPG-KEY-avalanchego");

        // the same tree under the next tag, validated against a glibc older than the one it needs: the ELF gate fails
        CliRunner.Run bad = release("v1.14.2", "--glibc", "2.2");
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(bad.out()).contains("RELEASE FAILED VALIDATION", "NOT updated");
        assertThat(releaseFiles(out)).isEqualTo(before);
        assertThat(Files.readString(out.resolve("validation-junit.xml"))).contains("<failure");
    }
}
