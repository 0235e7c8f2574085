package io.avalanche.rpm.cli;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.ContainerEnv;
import io.avalanche.rpm.validate.TestReleases;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Command;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as a hostile but honest user drives it: argument lists and real files, asserting the exit
 * code, the one-line message, and that nothing the user had was lost or changed and nothing was left behind.
 */
class HostileInputTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    static GpgHome gpg;
    static String fpr;
    static Path secretKey;
    static final String PASS = "correct horse battery staple 12";
    static TestReleases releases;
    static Path bucket;

    @BeforeAll
    static void setUp() throws IOException {
        gpg = new GpgHome();
        fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", PASS, "hostile release key"));
        secretKey = Files.writeString(shared.resolve("release.asc"), gpg.exportSecret(fpr, PASS));
        releases = new TestReleases(shared.resolve("releases"));
        bucket = releases.bucketDir(Variant.GOOD, "bucket");
    }

    @AfterAll
    static void tearDown() throws IOException {
        gpg.close();
    }

    // ---- item 4: package --key opens the key before writing; only complete results replace files

    @Test
    void wrongPassphraseLeavesTheSignedPackageInOutUntouched() throws Exception {
        Path bin = TestPackages.content(tmp.resolve("src"), "avalanchego", 50_000, 3);
        Path out = tmp.resolve("out");
        String[] args = {"package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch", "x86_64", "--file",
            bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--compression", "gzip", "--out", out.toString(),
            "--key", secretKey.toString(), "--passphrase-env", "RPM_KEY_PASS"};
        CliRunner.Run good = CliRunner.runWith(new PackageCommand(Map.of("RPM_KEY_PASS", PASS)), args);
        assertThat(good.exitCode()).as(good.all()).isZero();
        Map<String, byte[]> before = snapshot(out);
        Path rpm = out.resolve("avalanchego-v1.14.1-x86_64.rpm");
        assertThat(Cmd.run("rpm", "-qp", "--qf", "%{RSAHEADER:pgpsig}", rpm.toString()).ok().output())
                .contains("RSA/SHA256");

        CliRunner.Run wrong = CliRunner.runWith(new PackageCommand(Map.of("RPM_KEY_PASS", "wrong")), args);
        assertThat(wrong.exitCode()).isEqualTo(Main.FAILURE);
        assertOneLine(withoutProgress(wrong.err()), "wrong passphrase");
        assertThat(wrong.all()).doesNotContain(PASS);
        assertSame(before, snapshot(out));

        CliRunner.Run noKey = CliRunner.run(withKey(args, tmp.resolve("no-such-key.asc").toString()));
        assertThat(noKey.exitCode()).isEqualTo(Main.USAGE);
        assertOneLine(noKey.err(), "no such file");
        assertSame(before, snapshot(out));

        // the key is unlocked while the payload is compressed: a --out this run would have made is not left behind
        Path fresh = tmp.resolve("fresh-out");
        String[] freshArgs = args.clone();
        freshArgs[java.util.Arrays.asList(args).indexOf(out.toString())] = fresh.toString();
        CliRunner.Run wrongFresh = CliRunner.runWith(new PackageCommand(Map.of("RPM_KEY_PASS", "wrong")), freshArgs);
        assertThat(wrongFresh.exitCode()).isEqualTo(Main.FAILURE);
        assertOneLine(withoutProgress(wrongFresh.err()), "wrong passphrase");
        assertThat(fresh).doesNotExist();
    }

    // ---- item 6: sign refuses a package whose digests do not match, and changes nothing

    @Test
    void aSecretKeyWhereThePublicKeyBelongsIsNeverPublishedNorTrusted() throws Exception {
        Path rel = releases.releaseDir(Variant.GOOD, "secret-key-file");
        Path keyFile = rel.resolve("RPM-GPG-KEY-avalanchego");
        Files.copy(secretKey, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path bucket = tmp.resolve("secret-bucket");
        CliRunner.Run publish = CliRunner.run("publish", rel.toString(), "--to", "file:" + bucket);
        assertThat(publish.exitCode()).as(publish.all()).isNotZero();
        assertThat(publish.err().strip().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("error: " + keyFile + ": holds a secret key; a release carries only the public key");
        assertThat(bucket).doesNotExist();
        CliRunner.Run verify = CliRunner.run("verify", "--key", secretKey.toString(),
                rel.resolve("avalanchego-v1.14.1-x86_64.rpm").toString());
        assertThat(verify.exitCode()).as(verify.all()).isNotZero();
        assertOneLine(verify.err(), secretKey + ": holds a secret key; give only its public key");
        // the key loads while the packages are read: a package that needs no key does not hide the key's error
        Path notAnRpm = Files.writeString(tmp.resolve("not-a-package.rpm"), "text");
        CliRunner.Run verifyNot = CliRunner.run("verify", "--key", secretKey.toString(), notAnRpm.toString());
        assertThat(verifyNot.exitCode()).as(verifyNot.all()).isEqualTo(1);
        assertThat(verifyNot.out()).isEmpty();
        assertOneLine(verifyNot.err(), secretKey + ": holds a secret key; give only its public key");
        assertNoControl(publish.all() + verify.all());
        assertThat(publish.all() + verify.all()).doesNotContain("PRIVATE KEY BLOCK");
    }

    @Test
    void signRefusesCorruptPackagesAndChangesNothing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rel"));
        Path good = TestPackages.avalanchego(dir, Compression.parse("gzip"), 40_000);
        Path payload = Files.copy(good, dir.resolve("payload-corrupt.rpm"));
        flip(payload, Files.size(payload) - 5);
        Path header = Files.copy(good, dir.resolve("header-corrupt.rpm"));
        io.avalanche.rpm.format.RpmPackage pkg = io.avalanche.rpm.format.RpmReader.read(good);
        flip(header, (pkg.mainHeaderOffset() + pkg.payloadOffset()) / 2);
        for (Path bad : List.of(payload, header)) {
            assertThat(Cmd.run("rpm", "-K", "--nosignature", bad.toString()).exitCode())
                    .as("rpm finds " + bad + " corrupt").isNotZero();
        }
        Map<String, byte[]> before = snapshot(dir);
        for (Path bad : List.of(payload, header)) {
            CliRunner.Run r = CliRunner.run("sign", "--ephemeral", good.toString(), bad.toString());
            assertThat(r.exitCode()).isEqualTo(Main.FAILURE);
            assertOneLine(r.err(), "not signing a corrupt package");
            assertThat(r.err()).contains(bad.getFileName().toString());
            assertSame(before, snapshot(dir));
        }
        CliRunner.Run r = CliRunner.run("sign", "--ephemeral", payload.toString());
        assertThat(r.err()).contains("payload-digest");
        assertSame(before, snapshot(dir));
    }

    // ---- item 12: install paths rpm or the kernel would refuse at install time are refused up front

    @ParameterizedTest
    @ValueSource(strings = {"/var/opt/avalanchego/bin/", "/usr", "/usr/bin", "/etc", "/var", "/opt", "/usr/lib64",
        "/var/opt", "/usr/share/man/man1", "SEGMENT", "LONG"})
    void badInstallPathsAreRefusedWithTheRule(String dest) throws Exception {
        String path = switch (dest) {
            case "SEGMENT" -> "/var/opt/" + "s".repeat(256);
            case "LONG" -> "/var/opt" + ("/" + "d".repeat(200)).repeat(21);
            default -> dest;
        };
        Path f = TestPackages.content(tmp, "f", 100, 1);
        Path out = tmp.resolve("out");
        CliRunner.Run r = CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "noarch", "--file",
                f + ":" + path, "--out", out.toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
        String rule = switch (dest) {
            case "SEGMENT" -> "at most 255 bytes";
            case "LONG" -> "at most 4095 bytes";
            case "/var/opt/avalanchego/bin/" -> "ends with '/'";
            default -> "system directory owned by RHEL's filesystem package";
        };
        assertOneLine(r.err(), rule);
        assertThat(out).doesNotExist();
    }

    // ---- item 14: every advertised level works within the launcher's heap or is refused up front

    @Test
    void everyXzLevelWorksUnderTheLauncherHeapOrIsRefusedUpFront() throws Exception {
        Path f = TestPackages.content(tmp, "f", 200_000, 1);
        for (int level = 0; level <= 9; level++) {
            Path out = tmp.resolve("xz" + level);
            Cmd.Result r = launcherJvm("package", "--name", "x", "--version", "1", "--arch", "noarch", "--file",
                    f + ":/opt/x/f", "--compression", "xz:" + level, "--out", out.toString());
            assertThat(r.output()).as("xz:" + level).doesNotContain("\tat ").doesNotContain("Exception")
                    .doesNotContain("OutOfMemoryError");
            if (level <= 7) {
                assertThat(r.exitCode()).as(r.output()).isZero();
                Path rpm = out.resolve("x-1-1.noarch.rpm");
                assertThat(Cmd.run("rpm", "-qp", "--qf", "%{PAYLOADCOMPRESSOR}:%{PAYLOADFLAGS}", rpm.toString()).ok()
                        .output()).isEqualTo("xz:" + level);
            } else {
                assertThat(r.exitCode()).as(r.output()).isEqualTo(Main.USAGE);
                assertThat(r.output().strip()).startsWith("error: compression xz:" + level + " needs about")
                        .contains("MiB of Java heap").doesNotContain("\n");
                assertThat(out).doesNotExist();
            }
        }
    }

    /**
     * A directory, a FIFO or a device where a key, a package or a payload file is expected is named for what it is,
     * in one line, exit 2, before any key is opened or anything written (a directory or a device was "no such file").
     */
    @Test
    void pathsThatAreNotFilesAreNamedForWhatTheyAre() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Cmd.run("mkfifo", fifo.toString()).ok();
        Path rpm;
        try (var files = Files.list(releases.releaseDir(Variant.GOOD, "not-files"))) {
            rpm = files.filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow();
        }
        Path key = releases.publicKey();
        Path out = tmp.resolve("out");
        String dirWhy = ": is a directory";
        String notFile = ": is not a regular file (a FIFO, device or socket)";
        java.util.Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"verify", "--key", tmp.toString(), rpm.toString()}, "--key " + tmp + dirWhy);
        cases.put(new String[] {"verify", "--key", key.toString(), rpm.toString(), tmp.toString()},
                tmp + dirWhy + " (a package file is expected)");
        cases.put(new String[] {"verify", "--key", key.toString(), fifo.toString()},
                fifo + notFile + " (a package file is expected)");
        cases.put(new String[] {"sign", "--key", tmp.toString(), rpm.toString()}, "--key " + tmp + dirWhy);
        cases.put(new String[] {"sign", "--key", "/dev/null", rpm.toString()}, "--key /dev/null" + notFile);
        cases.put(new String[] {"sign", "--ephemeral", tmp.toString()}, tmp + dirWhy + " (a package file is expected)");
        cases.put(new String[] {"package", "--name", "t", "--version", "1", "--arch", "noarch", "--file",
            fifo + ":/opt/t/f", "--out", out.toString(), "--key", secretKey.toString()}, fifo + notFile);
        // a directory as the JUnit report: refused before the validation or the release's build, not after it
        Path source = tmp.resolve("no-such-source");
        cases.put(new String[] {"validate", "--from", releases.releaseDir(Variant.GOOD, "junit-dir").toString(),
            "--key", key.toString(), "--tag", TestReleases.TAG, "--arch", "x86_64", "--commit", TestReleases.COMMIT,
            "--local", "--junit", tmp.toString()}, tmp + dirWhy + "; give --junit a file name");
        cases.put(new String[] {"release", "--tag", TestReleases.TAG, "--source", source.toString(), "--out",
            out.toString(), "--ephemeral", "--local", "--junit", tmp.toString()}, tmp + dirWhy + "; give --junit a file name");
        // a file as the output directory: refused before compressing, building or planning, dry run or not
        Path file = Files.writeString(tmp.resolve("out-file"), "keep\n");
        String fileWhy = "--out " + file + ": is a file; name the directory to write into";
        Path sample = TestPackages.sampleRepo(tmp.resolve("sample"), TestPackages.SAMPLE_V1_14_1, "v1.14.1");
        cases.put(new String[] {"package", "--name", "t", "--version", "1", "--arch", "noarch", "--file",
            key + ":/opt/t/f", "--out", file.toString()}, fileWhy);
        cases.put(new String[] {"build", "--source", sample.toString(), "--tag", "v1.14.1", "--out", file.toString(),
            "--dry-run"}, fileWhy);
        cases.put(new String[] {"release", "--tag", TestReleases.TAG, "--source", source.toString(), "--out",
            file.toString(), "--ephemeral", "--local", "--dry-run"}, fileWhy);
        for (var c : cases.entrySet()) {
            CliRunner.Run r = CliRunner.run(c.getKey());
            assertThat(r.exitCode()).as(String.join(" ", c.getKey()) + "\n" + r.all()).isEqualTo(Main.USAGE);
            assertOneLine(r.err(), c.getValue());
        }
        assertThat(out).doesNotExist();
        assertThat(file).hasContent("keep");
    }

    /**
     * A FIFO as validate's expected key or as the package inspect reads is refused, exit 2, instead of blocking the run
     * until something writes to it. A watchdog writes to the FIFO after 30 s, so a regression fails here, not by hanging.
     */
    @Test
    void aFifoWhereAKeyOrAPackageIsReadDoesNotBlock() throws Exception {
        Path fifo = tmp.resolve("fifo-read");
        Cmd.run("mkfifo", fifo.toString()).ok();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(30_000);
                Files.write(fifo, new byte[] {'x'});   // blocks until a reader opens it, then unblocks that reader
            } catch (InterruptedException | java.io.IOException e) {
                // the test ended first
            }
        }, "fifo-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            String notFile = fifo + ": is not a regular file (a FIFO, device or socket)";
            CliRunner.Run validate = CliRunner.run("validate", "--from",
                    releases.releaseDir(Variant.GOOD, "fifo-key").toString(), "--key", fifo.toString(), "--tag",
                    TestReleases.TAG, "--arch", "x86_64", "--commit", TestReleases.COMMIT, "--local");
            assertThat(validate.exitCode()).as(validate.all()).isEqualTo(Main.USAGE);
            assertOneLine(validate.err(), "--key " + notFile);
            CliRunner.Run inspect = CliRunner.run("inspect", fifo.toString());
            assertThat(inspect.exitCode()).as(inspect.all()).isEqualTo(Main.USAGE);
            assertOneLine(inspect.err(), notFile + " (a package file is expected)");
        } finally {
            watchdog.interrupt();
        }
    }

    /**
     * sign refuses, exit 2, before any package is read and with the package left as it was: an --export-key in a
     * directory that does not exist (the package was signed and the command then failed to write the key, an ephemeral
     * key's public half lost), and the same package named twice by two spellings of its path (it was signed twice).
     */
    @Test
    void signRefusesWhatItWouldHalfDoBeforeSigning() throws Exception {
        Path dir = tmp.resolve("half-done");
        Path rpm = copyOfAGoodPackage(dir);
        byte[] before = Files.readAllBytes(rpm);
        Path key = dir.resolve("missing/RPM-GPG-KEY-avalanchego");
        Path again = dir.resolve("../half-done/./a.rpm");
        java.util.Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"sign", "--ephemeral", "--export-key", key.toString(), rpm.toString()},
                key + ": cannot write the public key there: " + dir.resolve("missing")
                        + " is not a directory; create it or choose another file (--export-key)");
        cases.put(new String[] {"sign", "--ephemeral", rpm.toString(), again.toString()},
                rpm + " and " + again + " are the same package; name each package once");
        for (var c : cases.entrySet()) {
            CliRunner.Run r = CliRunner.run(c.getKey());
            assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
            assertOneLine(r.err(), c.getValue());
            assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
            assertThat(dir.resolve("RPM-GPG-KEY-avalanchego")).doesNotExist();
        }
    }

    /** A signed package of a good release, copied as a.rpm into a new directory {@code dir}. */
    private Path copyOfAGoodPackage(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (var files = Files.list(releases.releaseDir(Variant.GOOD, dir.getFileName().toString()))) {
            return Files.copy(files.filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow(),
                    dir.resolve("a.rpm"));
        }
    }

    @Test
    void anImageDockerWouldReadAsAnOptionAndAnEmptyOutAreRefusedBeforeAnyWork() {
        String image = " is not a container image reference";
        String[][] cases = {
            {"validate --from x --tag v1.14.1 --arch x86_64 --commit " + TestReleases.COMMIT + " --image=--privileged",
                "image '--privileged'" + image},
            {"release --tag v1.14.1 --source . --ephemeral --image=-v=/:/host --dry-run", "image '-v=/:/host'" + image},
            {"release --tag v1.14.1 --source . --ephemeral --local --build-image=--privileged --dry-run",
                "image '--privileged'" + image},
            {"build --source . --tag v1.14.1 --out o --image=Rocky:9 --dry-run", "image 'Rocky:9'" + image},
            {"release --tag v1.14.1 --source . --ephemeral --local --out= --dry-run", "--out is empty"},
            {"build --source . --tag v1.14.1 --out= --dry-run", "--out is empty"},
            {"package --name t --version 1 --arch noarch --file x:/opt/t/f --out=", "--out is empty"}};
        for (String[] c : cases) {
            CliRunner.Run r = CliRunner.run(c[0].split(" "));
            assertThat(r.exitCode()).as(c[0] + "\n" + r.all()).isEqualTo(Main.USAGE);
            assertOneLine(r.err(), c[1]);
        }
    }

    @Test
    void errorsAreOneLineWithoutStackTraceUnlessAsked() {
        CliRunner.Run oom = CliRunner.runWith(new Throwing(new OutOfMemoryError("Java heap space")), "throwing");
        assertThat(oom.exitCode()).isEqualTo(Main.FAILURE);
        assertOneLine(oom.err(), "error: out of memory");
        CliRunner.Run so = CliRunner.runWith(new Throwing(new StackOverflowError()), "throwing");
        assertOneLine(so.err(), "StackOverflowError");
        CliRunner.Run bug = CliRunner.runWith(new Throwing(new IllegalStateException("bug")), "throwing");
        assertOneLine(bug.err(), "IllegalStateException: bug");
        CliRunner.Run traced = CliRunner.runWith(new Throwing(new OutOfMemoryError("x")), "--stacktrace", "throwing");
        assertThat(traced.err()).contains("error: out of memory").contains("\tat ");
    }

    /** A command whose work throws what it is given (stands in for a defect deep in the engine). */
    @Command(name = "throwing")
    static final class Throwing implements Callable<Integer> {
        private final Throwable t;

        Throwing(Throwable t) {
            this.t = t;
        }

        @Override
        public Integer call() throws Exception {
            if (t instanceof Error e) {
                throw e;
            }
            throw (Exception) t;
        }
    }

    // ---- item 18: control characters from headers, file names and program output are escaped

    @Test
    void controlCharactersArePrintedEscaped() throws Exception {
        Path f = TestPackages.content(tmp, "f", 100, 1);
        Path out = tmp.resolve("out");
        String evil = "x\u001b]0;owned\u0007\u001b[2J\rDONE\u202e";
        CliRunner.Run refused = CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "noarch", "--file",
                f + ":/opt/x/f", "--summary", evil, "--out", out.toString());
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(Main.USAGE);   // issue 21: refused at input
        assertThat(refused.err()).contains("U+001B (ESCAPE)");
        assertNoControl(refused.err());
        CliRunner.Run made = CliRunner.run("package", "--name", "x", "--version", "1", "--arch", "noarch", "--file",
                f + ":/opt/x/f", "--out", out.toString());
        assertThat(made.exitCode()).as(made.all()).isZero();
        // a package made elsewhere can still carry them: crafted here with the header codec
        Path rpm = io.avalanche.rpm.format.CraftedHeaders.withMainHeader(out.resolve("x-1-1.noarch.rpm"),
                tmp.resolve("evil/x-1-1.noarch.rpm"), h -> h.toBuilder()
                        .strings(io.avalanche.rpm.format.Tag.SUMMARY, evil)
                        .string(io.avalanche.rpm.format.Tag.LICENSE, evil).build());
        assertThat(Cmd.run("rpm", "-qp", "--qf", "%{SUMMARY}", rpm.toString()).ok().output()).contains("\u001b]0;");
        CliRunner.Run inspect = CliRunner.run("inspect", rpm.toString());
        assertThat(inspect.exitCode()).isZero();
        assertNoControl(inspect.out());
        assertThat(inspect.out()).contains("x\\x1b]0;owned\\x07\\x1b[2J\\x0dDONE\\u{202e}");

        Path evilName = Files.copy(rpm, tmp.resolve("evil\u001b[31mred\u001b[0m.rpm"));
        CliRunner.Run verify = CliRunner.run("verify", "--key", bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego")
                .toString(), evilName.toString());
        assertThat(verify.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertNoControl(verify.out());
        assertThat(verify.out()).contains("evil\\x1b[31mred\\x1b[0m.rpm: FAILED");
        // a missing package is a usage error, as for verify and sign
        CliRunner.Run missing = CliRunner.run("inspect", tmp.resolve("no\u001b[2Jsuch.rpm").toString());
        assertThat(missing.exitCode()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("no such file (a package file is expected)");
        assertNoControl(missing.err());
    }

    // ---- item 7 through the CLI, and item 19: exit codes and a JUnit report for every outcome of validate

    @Test
    void validateChecksTheRepositoryAndWritesJUnitForEveryOutcome() throws Exception {
        Path xml = tmp.resolve("reports/pass.xml");
        CliRunner.Run pass = validate("file:" + bucket, xml, "--local");
        assertThat(pass.exitCode()).as(pass.all()).isZero();
        assertThat(pass.out()).contains("PASS  repository   repomd-signature");
        assertThat(Files.readString(xml)).contains("name=\"repomd-signature (").doesNotContain("<failure");

        Path tampered = copyTree(bucket, tmp.resolve("tampered"));
        Path repomd = tampered.resolve("linux/rpms/x86_64/repodata/repomd.xml");
        Files.writeString(repomd, Files.readString(repomd).replace("<revision>", "<revision>9"));
        Map<String, byte[]> before = snapshot(tampered);
        xml = tmp.resolve("reports/tampered.xml");
        CliRunner.Run bad = validate("file:" + tampered, xml, "--local");
        assertThat(bad.exitCode()).as(bad.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(bad.out()).contains("FAIL  repository   repomd-signature");
        assertThat(Files.readString(xml)).contains("<failure").contains("repomd-signature");
        assertSame(before, snapshot(tampered));

        xml = tmp.resolve("reports/no-engine.xml");
        CliRunner.Run noEngine = validate("file:" + bucket, xml, "--docker", tmp.resolve("no-docker").toString());
        assertThat(noEngine.exitCode()).as(noEngine.all()).isEqualTo(Main.FAILURE);
        assertThat(noEngine.out()).contains("ERROR  avalanchego  install").contains("cannot run");
        assertThat(Files.readString(xml)).contains("<error").contains("errors=\"2\"");

        xml = tmp.resolve("reports/no-image.xml");
        CliRunner.Run noImage = validate("file:" + bucket, xml, "--image", "localhost/rpm-release-no-such-image:1",
                "--docker-host", ContainerEnv.engine().env().get("DOCKER_HOST"));
        assertThat(noImage.exitCode()).as(noImage.all()).isEqualTo(Main.FAILURE);
        assertThat(Files.readString(xml)).contains("<error").contains("cannot start a container");

        xml = tmp.resolve("reports/absent.xml");
        CliRunner.Run absent = validate("file:" + tmp.resolve("empty-bucket"), xml, "--local");
        assertThat(absent.exitCode()).isEqualTo(Main.FAILURE);
        assertOneLine(absent.err(), "not found");
        assertThat(Files.readString(xml)).contains("<error").contains("not found");
    }

    private static CliRunner.Run validate(String from, Path junit, String... more) {
        List<String> a = new ArrayList<>(List.of("validate", "--from", from, "--key", releases.publicKey().toString(),
                "--tag", TestReleases.TAG, "--arch", "x86_64", "--commit", TestReleases.COMMIT, "--junit",
                junit.toString()));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"package --bogus", "package --name x", "package --name x --version 1 --arch x86_64 "
            + "--file a:/opt/a --out o --workers many", "inspect", "inspect a b", "sign --key k", "sign x.rpm",
        "verify --key", "verify x.rpm", "publish", "validate --from x --tag v1.14.1 --arch x86_64",
        "validate --from x --tag latest --arch x86_64 --commit abcdef1 --local",
        "release --tag v1.14.1", "build --preset avalanchego", "nosuchcommand", "--bogus"})
    void usageErrorsExitTwoWithOneLine(String line) {
        CliRunner.Run r = CliRunner.run(line.split(" "));
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
        assertOneLine(r.err(), "error: ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void s3CommandsPrintNoSlf4jWarning() throws Exception {
        Path rel = Files.createDirectories(tmp.resolve("rel"));
        TestPackages.avalanchego(rel, Compression.parse("gzip"), 1000);
        try (ServerSocket refusing = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!refusing.isClosed()) {
                    try (Socket s = refusing.accept()) {
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            Cmd.Result r = launcherJvm(Map.of("AWS_ACCESS_KEY_ID", "hostile", "AWS_SECRET_ACCESS_KEY", "hostile-secret",
                    "AWS_REGION", "us-east-1", "AWS_EC2_METADATA_DISABLED", "true"), "validate", "--from", "s3://bucket", "--trust-published-key", "--endpoint", "http://127.0.0.1:"
                    + refusing.getLocalPort(), "--tag", TestReleases.TAG, "--arch", "x86_64", "--commit",
                    TestReleases.COMMIT, "--local");
            assertThat(r.exitCode()).as(r.output()).isEqualTo(Main.FAILURE);
            assertThat(r.output()).doesNotContain("SLF4J").doesNotContain("\tat ");
            // one line per retry (the connection is reset at once), then the one error line
            List<String> lines = r.output().strip().lines().toList();
            assertThat(lines).hasSize(6);
            assertThat(lines.subList(0, 5)).allMatch(l -> l.startsWith("S3 endpoint http://127.0.0.1:"
                    + refusing.getLocalPort() + ": HEAD s3://bucket/linux/rpms/x86_64/") && l.endsWith("; trying again"));
            assertThat(lines.get(5)).startsWith("error: cannot read s3://bucket/");
        }
    }

    // ---- helpers

    /**
     * Runs the CLI in a JVM with the launcher's settings (-Xmx512m, serial GC) and the CLI's runtime classpath:
     * the test classpath without test-only logging back-ends.
     */
    private static Cmd.Result launcherJvm(String... args) {
        return launcherJvm(Map.of(), args);
    }

    private static Cmd.Result launcherJvm(Map<String, String> env, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String runtime = String.join(File.pathSeparator, Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> !e.contains("logback") && !e.contains("jcl-over-slf4j")).toList());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xms16m", "-Xmx512m", "-cp", runtime, "io.avalanche.rpm.cli.Main"));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, env);
    }

    private static String[] withKey(String[] args, String key) {
        String[] a = args.clone();
        for (int i = 0; i < a.length - 1; i++) {
            if (a[i].equals("--key")) {
                a[i + 1] = key;
            }
        }
        return a;
    }

    /** Standard error without the non-terminal progress lines ("compress NAME ...", "... done"). */
    private static String withoutProgress(String err) {
        return String.join("\n", err.lines().filter(l -> !l.startsWith("compress ")).toList());
    }

    private static void assertOneLine(String err, String contains) {
        assertThat(err.strip().lines()).as(err).hasSize(1);
        assertThat(err).startsWith("error: ").contains(contains).doesNotContain("\tat ");
    }

    private static void assertNoControl(String s) {
        assertThat(s.chars().filter(c -> c != '\n' && (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x202e)))
                .as(s).isEmpty();
    }

    /** Every file under dir (hidden ones included) with its bytes. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void assertSame(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertThat(after.keySet()).as("files").containsExactlyElementsOf(before.keySet());
        for (String k : before.keySet()) {
            assertThat(after.get(k)).as(k + " unchanged").isEqualTo(before.get(k));
        }
    }

    private static void flip(Path f, long offset) throws IOException {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(offset);
            int b = r.read();
            r.seek(offset);
            r.write(b ^ 0x01);
        }
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }
}
