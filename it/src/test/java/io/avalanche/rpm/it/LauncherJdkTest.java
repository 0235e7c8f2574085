package io.avalanche.rpm.it;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ./rpm-release with JAVA_HOME at a JDK other than the one its archive was made with: the JDK gets its own archive,
 * made again when the JDK changes in place, and that archive really maps (-Xshare:on); stdout carries only the
 * command's output (a JDK 25 printed its class data sharing complaints about a JDK 17 archive there, breaking
 * --json; JDK 17 itself is silent about a foreign archive, so the JVM's own output is shown with its flag table).
 */
class LauncherJdkTest {
    static final Path ROOT = MainJobTest.ROOT;
    static final String VERSION = "rpm-release 0.1.0\n";

    @TempDir
    Path tmp;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run cli(Path javaHome, String javaOpts, String... args) {
        List<String> a = new ArrayList<>(List.of(ROOT.resolve("rpm-release").toString()));
        a.addAll(List.of(args));
        // empty options are no options to the launcher (${RPM_RELEASE_JAVA_OPTS:-}): the test's own are not passed on
        ProcessRunner.Result r = Cmd.exec(a, tmp, Map.of("JAVA_HOME", javaHome.toString(),
                "RPM_RELEASE_JAVA_OPTS", javaOpts == null ? "" : javaOpts), null, true, Duration.ofMinutes(10));
        return new Run(r.exitCode(), r.output(), r.errors());
    }

    /** A second JDK: a copy of the one running this test (what the launcher sees is another JDK home). */
    private Path copyOfThisJdk() throws IOException {
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        Path copy = tmp.resolve("jdk");
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.toList()) {
                Path rel = home.relativize(p);
                String top = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
                if (!top.isEmpty() && !List.of("bin", "conf", "lib", "release").contains(top)
                        || rel.toString().equals("lib/ct.sym") || rel.toString().equals("lib/src.zip")) {
                    continue;
                }
                Path to = copy.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (Files.exists(p)) {
                    Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    @Test
    void anotherJdkGetsItsOwnArchiveAndStdoutStaysClean() throws Exception {
        assertThat(Cmd.run(ROOT.resolve("rpm-release").toString(), "--version").exitCode())
                .as("the launcher builds the CLI and the default JDK's archive").isZero();
        Path jdk = copyOfThisJdk();
        Path fast = ROOT.resolve("rpm-cli/target/fast-start");
        String key = jdk.toRealPath().toString().replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^_", "");
        try {
            Run first = cli(jdk, null, "--version");
            assertThat(first.exitCode()).as(first.stderr()).isZero();
            assertThat(first.stdout()).isEqualTo(VERSION);
            assertThat(fast.resolve(key).resolve("app.jsa")).as("an archive for this JDK").isRegularFile();
            assertThat(cli(jdk, "-Xshare:on", "--version").exitCode()).as("its archive maps").isZero();

            // the JDK is updated in place: its runtime image changes, the archive made with it no longer fits
            try (OutputStream out = Files.newOutputStream(jdk.resolve("lib/modules"), StandardOpenOption.APPEND)) {
                out.write(new byte[4096]);
            }
            Run updated = cli(jdk, null, "--version");
            assertThat(updated.stdout()).isEqualTo(VERSION);
            assertThat(updated.stderr()).contains("preparing fast start");
            assertThat(cli(jdk, "-Xshare:on", "--version").exitCode()).as("the new archive maps").isZero();

            // an archive this JVM cannot read: the JVM says so, on stderr
            try (RandomAccessFile f = new RandomAccessFile(fast.resolve(key).resolve("app.jsa").toFile(), "rw")) {
                f.seek(4);
                f.write("not an archive version".getBytes(StandardCharsets.US_ASCII));
            }
            Run corrupt = cli(jdk, null, "--version");
            assertThat(corrupt.exitCode()).as(corrupt.stderr()).isZero();
            assertThat(corrupt.stdout()).isEqualTo(VERSION);

            // what the JVM itself prints (here its flag table) goes to stderr, never into a command's stdout
            Run flags = cli(jdk, "-XX:+PrintFlagsFinal", "--version");
            assertThat(flags.stdout()).isEqualTo(VERSION);
            assertThat(flags.stderr()).contains("UseSerialGC");
        } finally {
            try (Stream<Path> dirs = Files.list(fast)) {
                for (Path d : dirs.filter(d -> d.getFileName().toString().startsWith(key)).toList()) {
                    try (Stream<Path> tree = Files.walk(d)) {
                        for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }
}
