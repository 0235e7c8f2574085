package io.avalanche.rpm.cli;

import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.TestReleases;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 at the command line: validate's trust anchor (--key, --trust-published-key), a --junit path that is a
 * symbolic link, and free header text with control or bidirectional characters.
 */
class TrustBoundariesCommandTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    static TestReleases releases;
    static TestReleases attacker;
    static Path bucket;

    @BeforeAll
    static void setUp() {
        releases = new TestReleases(shared.resolve("releases"));
        attacker = new TestReleases(shared.resolve("attacker"));
        bucket = releases.bucketDir(Variant.GOOD, "bucket");
    }

    private static CliRunner.Run validate(String from, String... more) {
        List<String> a = new ArrayList<>(List.of("validate", "--from", from, "--tag", TestReleases.TAG, "--arch",
                "x86_64", "--commit", TestReleases.COMMIT, "--local"));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(String[]::new));
    }

    @Test
    void aPublishedLocationNeedsTheExpectedKey() {
        CliRunner.Run r = validate("file:" + bucket);
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
        assertThat(r.err().strip().lines()).singleElement().asString().startsWith("error: validating file:")
                .contains("--key FILE").contains("--trust-published-key");
        CliRunner.Run both = validate("file:" + bucket, "--key", releases.publicKey().toString(),
                "--trust-published-key");
        assertThat(both.exitCode()).isEqualTo(Main.USAGE);
        assertThat(both.err()).contains("not both");
        CliRunner.Run absent = validate("file:" + bucket, "--key", tmp.resolve("absent.asc").toString());
        assertThat(absent.exitCode()).isEqualTo(Main.USAGE);
        assertThat(absent.err()).contains("absent.asc");
    }

    @Test
    void theKeyOfAnotherSignerFailsTheRelease() {
        CliRunner.Run r = validate("file:" + bucket, "--key", attacker.publicKey().toString());
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains("FAIL  trust        published-key").contains("NOKEY")
                .contains("signatures checked against pinned key");
    }

    @Test
    void trustingThePublishedKeyWarnsInConsoleJsonAndJUnit() throws Exception {
        Path xml = tmp.resolve("trusted.xml");
        CliRunner.Run text = validate("file:" + bucket, "--trust-published-key", "--junit", xml.toString());
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out()).contains("WARNING: trusting the key published in file:");
        assertThat(Files.readString(xml)).contains("<property name=\"warning\" value=\"WARNING: trusting the key");
        CliRunner.Run json = validate("file:" + bucket, "--trust-published-key", "--json");
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).contains("\"warnings\" : [ \"WARNING: trusting the key published in file:");
    }

    @Test
    void junitNeverWritesThroughASymlink() throws Exception {
        Path precious = Files.writeString(tmp.resolve("precious.conf"), "keep me\n");
        Path link = Files.createSymbolicLink(tmp.resolve("report.xml"), precious);
        Path dir = releases.releaseDir(Variant.GOOD, "junit-link");
        CliRunner.Run ok = validate(dir.toString(), "--junit", link.toString());
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(Files.readString(precious)).isEqualTo("keep me\n");
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(link)).contains("<testsuites>");

        Path link2 = Files.createSymbolicLink(tmp.resolve("error.xml"), precious);
        Path empty = Files.createDirectories(tmp.resolve("no-release"));
        CliRunner.Run error = validate(empty.toString(), "--junit", link2.toString());
        assertThat(error.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(Files.readString(precious)).isEqualTo("keep me\n");
        assertThat(Files.readString(link2)).contains("<error");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void freeHeaderTextWithControlOrBidiCharactersIsRefusedNamingTheCharacter() throws Exception {
        Path bin = TestPackages.content(tmp.resolve("src"), "avalanchego", 2000, 3);
        Map<String, String[]> cases = Map.of(
                "U+001B (ESCAPE)", new String[] {"--summary", "red \u001b[31malert"},
                "U+202E (RIGHT-TO-LEFT OVERRIDE)", new String[] {"--summary", "abc\u202Efed"},
                "U+0007 (BEL)", new String[] {"--description", "title\u0007bell"},
                "U+000A", new String[] {"--vendor", "Ava\nLabs"},
                "U+200B (ZERO WIDTH SPACE)", new String[] {"--license", "BSD\u200B-3-Clause"},
                "U+009B", new String[] {"--packager", "x\u009b2J"},
                "U+2066 (LEFT-TO-RIGHT ISOLATE)", new String[] {"--url", "https://e.invalid/\u2066x"});
        for (var e : cases.entrySet()) {
            Path out = tmp.resolve("out-" + e.getKey().substring(2, 6));
            List<String> a = new ArrayList<>(List.of("package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch",
                    "x86_64", "--file", bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--compression", "gzip",
                    "--out", out.toString()));
            a.addAll(List.of(e.getValue()));
            CliRunner.Run r = CliRunner.run(a.toArray(String[]::new));
            assertThat(r.exitCode()).as(e.getKey() + ": " + r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err().strip().lines()).as(e.getKey()).singleElement().asString().contains(e.getKey())
                    .contains(e.getValue()[0].substring(2));
            assertThat(r.all()).doesNotContain("\u001b").doesNotContain("\u202E");
            assertThat(out.resolve("avalanchego-v1.14.1-x86_64.rpm")).doesNotExist();
        }
        for (String url : List.of("javascript:alert(1)", "file:///etc/passwd", "https://localhost/")) {
            Path out = tmp.resolve("out-url");
            CliRunner.Run r = CliRunner.run("package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch",
                    "x86_64", "--file", bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--compression", "gzip",
                    "--out", out.toString(), "--url", url);
            assertThat(r.exitCode()).as(url + ": " + r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err().strip().lines()).as(url).singleElement().asString()
                    .contains("package url '" + url + "' is not a public http, https or ftp URL");
            assertThat(out).doesNotExist();
        }
        CliRunner.Run lines = CliRunner.run("package", "--name", "avalanchego", "--tag", "v1.14.1", "--arch",
                "x86_64", "--file", bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--compression", "gzip",
                "--out", tmp.resolve("out-lines").toString(), "--description", "Line one.\n\tLine two.");
        assertThat(lines.exitCode()).as(lines.all()).isZero();
    }
}
