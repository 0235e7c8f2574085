package io.avalanche.rpm.cli;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 item 15: the RPMs, release.json and public key that package, sign and release write get the mode any new
 * file gets under the process's umask (0640 under umask 027 here), not a fixed 0600 or 0644. The commands run in a
 * child JVM started under that umask (a JVM cannot change its own).
 */
class OutputModesTest {
    static final String UMASKED = "rw-r-----";

    @TempDir
    Path tmp;

    /** rpm-release ARGS in a fresh JVM whose umask is 027. */
    private static Cmd.Result cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 027 && exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, Map.of());
    }

    private static void assertMode(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            assertThat(files).isNotEmpty();
            for (Path f : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                        .isEqualTo(UMASKED);
            }
        }
    }

    @Test
    void packageSignAndReleaseWriteWhatTheUmaskGives() throws IOException {
        Path bin = TestPackages.content(tmp.resolve("src"), "tool", 4096, 1);
        Path pkg = tmp.resolve("pkg");
        cli("package", "--name", "tool", "--version", "1.0", "--arch", "noarch", "--file", bin + ":/opt/tool/tool",
                "--compression", "gzip", "--ephemeral", "--out", pkg.toString()).ok();
        assertThat(pkg.resolve(ReleaseManifest.KEY_FILE)).exists();
        assertMode(pkg);

        Path signed = Files.createDirectories(tmp.resolve("signed"));
        Path rpm = Files.copy(pkg.resolve("tool-1.0-1.noarch.rpm"), signed.resolve("tool-1.0-1.noarch.rpm"));
        Files.setPosixFilePermissions(rpm, PosixFilePermissions.fromString(UMASKED));
        new ReleaseManifest("v1.0", "1.0", "1", "c0ffee", 0, "noarch", null, List.of(new ReleaseManifest.Artifact(
                rpm.getFileName().toString(), "tool", Files.size(rpm), Digests.hex(Digests.sha256(rpm))))).write(signed);
        Files.setPosixFilePermissions(signed.resolve(ReleaseManifest.FILE_NAME), PosixFilePermissions.fromString(
                "rw-rw-rw-"));
        cli("sign", "--ephemeral", rpm.toString()).ok();
        assertThat(signed.resolve(ReleaseManifest.KEY_FILE)).exists();
        assertMode(signed);

        Path source = tmp.resolve("tree");
        TestPackages.sampleRepo(source);
        String sha = Cmd.run("git", "-C", source.toString(), "rev-parse", "HEAD").ok().output().trim();
        Path out = tmp.resolve("out");
        cli("release", "--pr", sha, "--source", source.toString(), "--local", "--out", out.toString()).ok();
        assertThat(out.resolve(ReleaseManifest.FILE_NAME)).exists();
        assertMode(out);
    }
}
