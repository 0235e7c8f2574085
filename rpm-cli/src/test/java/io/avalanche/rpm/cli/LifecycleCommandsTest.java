package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.lifecycle.DnfClient;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle from the command line as a release engineer runs it: package (a respin with --release), publish
 * (--dry-run shows channel and repository, --layout el9), yank, unyank and prune with their plans, --json and exit
 * codes; real dnf says what customers are offered after each change.
 */
class LifecycleCommandsTest {
    static Path keys;
    static Path secretA;
    static Path publicA;
    static Path secretB;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws Exception {
        keys = Files.createTempDirectory("lifecycle-keys");
        secretA = keys.resolve("a.asc");
        publicA = keys.resolve("a.pub");
        secretB = keys.resolve("b.asc");
        gpgKey("A", secretA, publicA);
        gpgKey("B", secretB, keys.resolve("b.pub"));
    }

    @AfterAll
    static void dropKeys() throws Exception {
        try (Stream<Path> s = Files.walk(keys)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void gpgKey(String name, Path secret, Path pub) throws IOException {
        Path home = TestKeys.gpg(keys, name, "rsa2048", "1d", secret, pub);
        Cmd.run("gpgconf", "--homedir", home.toString(), "--kill", "all");
    }

    /** A release directory made by `package` (signed with key A) and the published key beside it. */
    private Path release(String tag, String release) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rel-" + tag + "-" + release));
        Path bin = TestPackages.content(tmp.resolve("src-" + tag + "-" + release), "avalanchego", 3000, tag.hashCode());
        List<String> args = new ArrayList<>(List.of("package", "--name", "avalanchego", "--tag", tag, "--arch",
                "x86_64", "--file", bin + ":/var/opt/avalanchego/bin/avalanchego:0755", "--key", secretA.toString(),
                "--compression", "gzip", "--out", dir.toString()));
        if (release != null) {
            args.addAll(List.of("--release", release));
        }
        CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.all()).isZero();
        Files.copy(publicA, dir.resolve("RPM-GPG-KEY-avalanchego"));
        return dir;
    }

    private static CliRunner.Run ok(String... args) {
        CliRunner.Run r = CliRunner.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.all()).isZero();
        return r;
    }

    private static long files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void yankUnyankPruneAndRespinFromTheCommandLine() throws Exception {
        Path dest = tmp.resolve("bucket");
        String to = "file:" + dest;
        Path respin = release("v1.14.1", "2");
        assertThat(respin.resolve("avalanchego-v1.14.1_2-x86_64.rpm")).exists();
        for (Path rel : List.of(release("v1.14.1", null), respin, release("v1.14.2", null))) {
            ok("publish", "--to", to, "--key", secretA.toString(), rel.toString());
        }
        Path rc = release("v1.14.3-rc.1", null);
        long before = files(dest);
        CliRunner.Run dry = ok("publish", "--to", to, "--dry-run", rc.toString());
        assertThat(dry.out()).contains("DRY RUN", "channel: testing (repository avalanchego-testing, opt-in: enabled=0,"
                        + " dnf --enablerepo=avalanchego-testing)",
                "avalanchego-v1.14.3-rc.1-x86_64.rpm (avalanchego 1.14.3~rc.1-1 x86_64) -> repository "
                        + dest.resolve("linux/rpms/testing/x86_64") + " as ",
                ".repo file: " + dest.resolve("linux/rpms/avalanchego-testing.repo"));
        assertThat(files(dest)).as("--dry-run writes nothing").isEqualTo(before);
        ok("publish", "--to", to, "--key", secretA.toString(), rc.toString());

        DnfClient stable = DnfClient.create(tmp.resolve("dnf")).useRepoFilesOf(dest.resolve("linux/rpms"));
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.1-1", "1.14.1-2", "1.14.2-1");

        assertThat(CliRunner.run("yank", "v1.14.2", "--to", to).exitCode()).as("--reason is required")
                .isEqualTo(Main.USAGE);
        CliRunner.Run none = CliRunner.run("yank", "v9.9.9", "--reason", "x", "--to", to, "--key", secretA.toString());
        assertThat(none.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(none.err()).contains("no package of v9.9.9");
        CliRunner.Run wrongKey = CliRunner.run("yank", "v1.14.2", "--reason", "x", "--to", to, "--key",
                secretB.toString());
        assertThat(wrongKey.exitCode()).as(wrongKey.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(wrongKey.err()).contains("disagrees with");

        CliRunner.Run yank = ok("yank", "v1.14.2", "--reason", "breaks state sync", "--to", to, "--key",
                secretA.toString(), "--json");
        JsonNode y = new ObjectMapper().readTree(yank.out());
        assertThat(y.get("action").asText()).isEqualTo("yank");
        assertThat(y.get("applied").asBoolean()).isTrue();
        assertThat(y.get("repositories").get(0).get("channel").asText()).isEqualTo("stable");
        assertThat(new ObjectMapper().readTree(dest.resolve("linux/rpms/yanked/v1.14.2.json").toFile())
                .get("reason").asText()).isEqualTo("breaks state sync");
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.1-1", "1.14.1-2");

        CliRunner.Run planUnyank = ok("unyank", "v1.14.2", "--to", to, "--dry-run");
        assertThat(planUnyank.out()).contains("PLAN (nothing changed): unyank v1.14.2",
                "avalanchego-v1.14.2-x86_64.rpm (avalanchego 1.14.2-1) returns to the stable x86_64 metadata");
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.1-1", "1.14.1-2");
        ok("unyank", "v1.14.2", "--to", to, "--key", secretA.toString());
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.1-1", "1.14.1-2", "1.14.2-1");

        CliRunner.Run plan = ok("prune", "--to", to, "--keep", "1");
        assertThat(plan.out()).contains("PLAN (nothing changed; --yes applies it): prune " + to + " --keep 1",
                "keep   1.14.2-1", "prune  1.14.1-2", "prune  1.14.1-1");
        assertThat(dest.resolve("linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm")).exists();
        CliRunner.Run noKey = CliRunner.run("prune", "--to", to, "--keep", "1", "--yes");
        assertThat(noKey.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(noKey.err()).contains("needs the release key to sign it again; pass --key");
        CliRunner.Run pruned = ok("prune", "--to", to, "--keep", "1", "--yes", "--key", secretA.toString(), "--json");
        JsonNode p = new ObjectMapper().readTree(pruned.out());
        assertThat(p.get("applied").asBoolean()).isTrue();
        assertThat(p.get("deleted").toString()).contains("linux/rpms/x86_64/avalanchego-v1.14.1_2-x86_64.rpm",
                "linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm");
        assertThat(dest.resolve("linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm")).doesNotExist();
        assertThat(stable.offered("avalanchego")).containsExactly("1.14.2-1");
        assertThat(stable.offered("avalanchego", "avalanchego-testing")).containsExactly("1.14.2-1", "1.14.3~rc.1-1");
    }

    @Test
    void upstreamsEl9LayoutIsANamedOption() throws Exception {
        Path dest = tmp.resolve("bucket");
        String to = "file:" + dest;
        Path rc = release("v1.14.3-rc.2", null);
        CliRunner.Run dry = ok("publish", "--to", to, "--layout", "el9", "--dry-run", rc.toString());
        assertThat(dry.out()).contains("-> repository " + dest.resolve("linux/rpms/rhel/el9/testing/x86_64") + " as ",
                "public key: " + dest.resolve("linux/rpms/rhel/el9/GPG-KEY-avalanchego"));
        ok("publish", "--to", to, "--layout", "el9", "--key", secretA.toString(), rc.toString());
        Path root = dest.resolve("linux/rpms/rhel/el9");
        assertThat(root.resolve("testing/x86_64/avalanchego-v1.14.3-rc.2-x86_64.rpm")).exists();
        assertThat(root.resolve("GPG-KEY-avalanchego")).exists();
        assertThat(Files.readString(root.resolve("avalanchego-testing.repo"))).contains("enabled=0",
                "gpgkey=" + root.toUri() + "GPG-KEY-avalanchego");
        assertThat(dest.resolve("linux/rpms/testing")).doesNotExist();
        DnfClient c = DnfClient.create(tmp.resolve("dnf"), "avalanchego-testing").useRepoFilesOf(root);
        assertThat(c.offered("avalanchego")).containsExactly("1.14.3~rc.2-1");

        assertThat(ok("prune", "--to", to, "--keep", "0", "--channel", "testing").out())
                .as("the seed layout has no repository here").contains("no repository to prune");
        ok("prune", "--to", to, "--layout", "el9", "--keep", "0", "--channel", "testing", "--yes", "--key",
                secretA.toString());
        assertThat(root.resolve("testing/x86_64/avalanchego-v1.14.3-rc.2-x86_64.rpm")).doesNotExist();
        assertThat(c.offered("avalanchego")).isEmpty();

        CliRunner.Run validate = CliRunner.run("validate", "--from", to, "--trust-published-key", "--layout", "el9", "--tag", "v1.14.3-rc.2",
                "--arch", "x86_64", "--commit", "0123456789abcdef0123456789abcdef01234567", "--local");
        assertThat(validate.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(validate.err()).contains("linux/rpms/rhel/el9/testing/x86_64/avalanchego-v1.14.3-rc.2-x86_64.rpm"
                + " not found");
        assertThat(CliRunner.run("prune", "--to", to, "--layout", "el8", "--keep", "1").exitCode())
                .isEqualTo(Main.USAGE);
    }

    @Test
    void aMissingDirectoryIsRefusedAndNotCreated() {
        Path missing = tmp.resolve("no-such-bucket");
        for (String[] args : List.of(new String[] {"prune", "--keep", "2", "--yes"},
                new String[] {"prune", "--keep", "2"}, new String[] {"yank", "v1.14.1", "--reason", "x"},
                new String[] {"unyank", "v1.14.1"})) {
            List<String> a = new ArrayList<>(List.of(args));
            a.addAll(List.of("--to", "file:" + missing, "--key", secretA.toString()));
            CliRunner.Run r = CliRunner.run(a.toArray(String[]::new));
            assertThat(r.exitCode()).as(a + ": " + r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err().strip().lines()).as(a.toString()).singleElement().asString()
                    .contains("--to file:" + missing + ": no such directory");
            assertThat(missing).as(a.toString()).doesNotExist();
        }
    }

    @Test
    void aYankReasonIsOneShortLineOfPlainText() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("bucket"));
        String[][] cases = {
            {"x".repeat(501), "--reason: at most 500 characters, not 501"},
            {"bad build \u202Edliub dab", "--reason: character U+202E (RIGHT-TO-LEFT OVERRIDE) at character 11"},
            {"bad build\u200B", "--reason: character U+200B (ZERO WIDTH SPACE)"}};
        for (String[] c : cases) {
            CliRunner.Run r = CliRunner.run("yank", "v1.14.1", "--reason", c[0], "--to", "file:" + dest, "--key",
                    secretA.toString());
            assertThat(r.exitCode()).as(c[1] + ": " + r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err().strip().lines()).singleElement().asString().contains(c[1]);
            assertThat(r.all()).doesNotContain("\u202E");
        }
        try (Stream<Path> left = Files.list(dest)) {
            assertThat(left).as("nothing written").isEmpty();
        }
    }

    @Test
    void releasePlansARespinAndItsChannel() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE_V1_14_1, "v1.14.1");
        CliRunner.Run r = ok("release", "--tag", "v1.14.1", "--release", "2", "--source", src.toString(),
                "--ephemeral", "--local", "--to", "file:" + tmp.resolve("bucket"), "--layout", "el9", "--out",
                tmp.resolve("out").toString(), "--dry-run");
        String arch = io.avalanche.rpm.format.Arch.host().rpm();
        assertThat(r.out()).contains("package avalanchego: version 1.14.1, release 2, file avalanchego-v1.14.1_2-"
                        + arch + ".rpm",
                "channel:  stable (repository avalanchego, enabled by default)",
                "layout el9", "linux/rpms/rhel/el9/" + arch + "/subnet-evm-v1.14.1_2-" + arch + ".rpm",
                "linux/rpms/rhel/el9/GPG-KEY-avalanchego");
        assertThat(CliRunner.run("release", "--tag", "v1.14.1", "--release", "02", "--source", src.toString(),
                "--ephemeral", "--dry-run").exitCode()).isEqualTo(Main.USAGE);
    }
}
