package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.format.CraftedHeaders;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 item 13 at the command line: every crafted header of {@link CraftedHeaders} gives verify a verdict
 * (exit 3, structure: BAD for the structural ones), gives inspect, sign and publish a one-line error (or a clean
 * result), never a stack trace; and one such file among good ones leaves verify --json a verdict for every file.
 */
class CraftedHeaderCommandsTest {
    @TempDir
    static Path dir;
    static GpgHome gpg;
    static Path secret;
    static Path publicKey;
    static Path good;
    static List<CraftedHeaders.Case> corpus;

    @BeforeAll
    static void setUp() throws IOException {
        gpg = new GpgHome();
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "crafted headers"));
        secret = Files.writeString(dir.resolve("secret.asc"), gpg.exportSecret(fpr, null));
        publicKey = gpg.exportPublic(fpr, dir.resolve("RPM-GPG-KEY-avalanchego"));
        good = TestPackages.avalanchego(dir.resolve("good"), Compression.parse("gzip"), 3000);
        CliRunner.Run s = CliRunner.run("sign", "--key", secret.toString(), "--export-key",
                dir.resolve("exported.asc").toString(), good.toString());
        assertThat(s.exitCode()).as(s.all()).isZero();
        corpus = CraftedHeaders.corpus(good, dir.resolve("corpus"));
    }

    @AfterAll
    static void tearDown() throws IOException {
        gpg.close();
    }

    @Test
    void verifyJsonGivesAVerdictForEveryFileAroundCraftedOnes() throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--json", "--key", publicKey.toString(), good.toString()));
        corpus.forEach(c -> args.add(c.file().toString()));
        args.add(good.toString());
        CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.err()).isEmpty();
        JsonNode pkgs = new ObjectMapper().readTree(r.out()).get("packages");
        assertThat(pkgs).hasSize(corpus.size() + 2);
        assertThat(pkgs.get(0).get("ok").asBoolean()).isTrue();
        assertThat(pkgs.get(corpus.size() + 1).get("ok").asBoolean()).isTrue();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            JsonNode p = pkgs.get(i + 1);
            CraftedHeaders.Case c = corpus.get(i);
            boolean structureBad = false;
            for (JsonNode k : p.get("checks")) {
                structureBad |= k.get("check").asText().equals("structure") && k.get("status").asText().equals("BAD");
            }
            if (p.get("ok").asBoolean() || (c.structural() && !structureBad)) {
                wrong.add(c.name() + ": " + p);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void verifyOfOneStructuralFileExitsThreeWithStructureBad() {
        List<String> wrong = new ArrayList<>();
        for (CraftedHeaders.Case c : corpus) {
            if (!c.structural()) {
                continue;
            }
            CliRunner.Run r = CliRunner.run("verify", "--key", publicKey.toString(), c.file().toString());
            if (r.exitCode() != Main.CHECK_FAILED || !r.out().contains("structure: BAD") || !r.err().isEmpty()) {
                wrong.add(c.name() + ": exit " + r.exitCode() + "\n" + r.all());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void inspectSignAndPublishGiveOneLineErrorsOrResults() throws IOException {
        List<String> wrong = new ArrayList<>();
        Path work = Files.createDirectories(dir.resolve("work"));
        int n = 0;
        for (CraftedHeaders.Case c : corpus) {
            CliRunner.Run inspect = CliRunner.run("inspect", c.file().toString());
            clean(wrong, c, "inspect", inspect, c.structural());

            Path copy = Files.copy(c.file(), work.resolve("sign-" + n + ".rpm"));
            byte[] before = Files.readAllBytes(copy);
            CliRunner.Run sign = CliRunner.run("sign", "--key", secret.toString(), "--export-key",
                    work.resolve("k-" + n + ".asc").toString(), copy.toString());
            clean(wrong, c, "sign", sign, c.structural());
            if (sign.exitCode() != 0 && !Arrays.equals(before, Files.readAllBytes(copy))) {
                wrong.add(c.name() + ": sign failed but changed the file");
            }

            Path rel = Files.createDirectories(work.resolve("rel-" + n));
            Files.copy(c.file(), rel.resolve("avalanchego-v1.14.1-x86_64.rpm"));
            Files.copy(publicKey, rel.resolve("RPM-GPG-KEY-avalanchego"), StandardCopyOption.REPLACE_EXISTING);
            Path bucket = work.resolve("bucket-" + n);
            CliRunner.Run publish = CliRunner.run("publish", "--to", "file:" + bucket, rel.toString());
            clean(wrong, c, "publish", publish, true);
            try (Stream<Path> s = Files.exists(bucket) ? Files.walk(bucket) : Stream.empty()) {
                if (s.anyMatch(p -> p.toString().endsWith(".rpm"))) {
                    wrong.add(c.name() + ": publish left a package in the bucket");
                }
            }
            n++;
        }
        assertThat(wrong).isEmpty();
    }

    /** Exit 0 (when allowed), or 1/3 with exactly one error line on stderr; never a stack trace. */
    private static void clean(List<String> wrong, CraftedHeaders.Case c, String cmd, CliRunner.Run r,
                              boolean mustFail) {
        String all = r.all();
        if (all.contains("Exception") || all.contains("\tat ") || all.contains("\n    at ")) {
            wrong.add(c.name() + ": " + cmd + " printed a stack trace or exception name:\n" + all);
            return;
        }
        if (r.exitCode() == 0) {
            if (mustFail) {
                wrong.add(c.name() + ": " + cmd + " accepted it:\n" + all);
            }
            return;
        }
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        if ((r.exitCode() != Main.FAILURE && r.exitCode() != Main.CHECK_FAILED) || errors.size() != 1) {
            wrong.add(c.name() + ": " + cmd + " exit " + r.exitCode() + ", " + errors.size() + " error lines:\n" + all);
        }
    }
}
