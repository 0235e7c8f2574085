package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Releases of trees shaped like upstream HEAD and like v1.14.1, end to end (build as upstream's packaging does,
 * sign, validate from the release directory, publish, validate from the bucket), and what must be refused.
 */
class RealTreesReleaseTest {
    static final String ARCH = Arch.host().rpm();
    static final String VM = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";
    static final String OTHER_VM = "pkEmJQuTUic3dxzg8EYnktwn4W7uCHofNcwiYo458vodAUbY7";

    @TempDir
    Path tmp;

    private CliRunner.Run release(Path src, String tag, String... extra) {
        List<String> a = new ArrayList<>(List.of("release", "--tag", tag, "--source", src.toString(), "--ephemeral",
                "--local", "--to", "file:" + tmp.resolve("bucket"), "--out", tmp.resolve("out").toString(),
                "--compression", "zstd:3"));
        a.addAll(List.of(extra));
        return CliRunner.run(a.toArray(String[]::new));
    }

    private static String head(Path src) {
        return Cmd.run("git", "-C", src.toString(), "rev-parse", "HEAD").ok().output().trim();
    }

    /** Commits everything again and moves the tag to the new commit. */
    private static void recommit(Path src, String tag) {
        TestPackages.commitAll(src);
        Cmd.run("git", "-C", src.toString(), "tag", "-f", tag).ok();
    }

    private static List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestPackages.SAMPLE, TestPackages.SAMPLE_V1_14_1})
    void headAndV1141ShapedTreesReleaseAndValidate(String sample) throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), sample, "v1.14.1");
        String commit = head(src);
        CliRunner.Run r = release(src, "v1.14.1");
        assertThat(r.exitCode()).as(r.all()).isZero();
        String err = r.err();
        assertThat(err).contains("(cd " + src.resolve("graft/subnet-evm") + " && ./scripts/build.sh "
                + src.resolve("build/subnet-evm") + ")");
        int pre = err.indexOf("== validate from release directory");
        int pub = err.indexOf("== publish to file:");
        int post = err.indexOf("== validate from file:");
        assertThat(pre).as("validated before publishing").isPositive().isLessThan(pub);
        assertThat(post).isGreaterThan(pub);
        String plugin = sample.equals(TestPackages.SAMPLE) ? "Subnet-EVM/v1.14.2@" + commit + " [rpcchainvm=44]"
                : "Subnet-EVM/v0.8.0@" + commit + " [AvalancheGo=v1.14.1, rpcchainvm=44]";
        assertThat(err).contains("PASS  subnet-evm   smoke      plugin /var/opt/avalanchego/plugins/" + VM
                + " is executable and reports commit " + commit + ": " + plugin);
        assertThat(err).contains("avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=" + commit
                + ", go=1.23.9]").doesNotContain("WARNING");
        assertThat(r.out()).contains("RELEASE OK: v1.14.1 (" + ARCH + ", commit " + commit + ")");

        JsonNode m = new ObjectMapper().readTree(tmp.resolve("out/release.json").toFile());
        assertThat(m.get("vmId").asText()).isEqualTo(VM);
        assertThat(m.get("vmIdSource").asText()).startsWith("graft/subnet-evm/scripts/constants.sh:");
        assertThat(m.get("dirty").asBoolean()).isFalse();
        assertThat(m.has("overrides")).isFalse();
        assertThat(m.get("commit").asText()).isEqualTo(commit);

        Path bucketArch = tmp.resolve("bucket/linux/rpms/" + ARCH);
        Path rpm = bucketArch.resolve("avalanchego-v1.14.1-" + ARCH + ".rpm");
        assertThat(rpm).hasSameBinaryContentAs(tmp.resolve("out").resolve(rpm.getFileName()));
        String qf = Cmd.run("rpm", "-qp", "--nosignature", "--qf", "%{PACKAGER}|%{SUMMARY}|%{VERSION}-%{RELEASE}|%{CHANGELOGNAME}|"
                + "%{CHANGELOGTEXT}", rpm.toString()).ok().output();
        assertThat(qf).isEqualTo("Ava Labs <security@avalabs.org>|AvalancheGo node \u2014 the official Avalanche "
                + "protocol implementation|1.14.1-1|Ava Labs <security@avalabs.org> - 1.14.1-1|"
                + "- See https://github.com/ava-labs/avalanchego/releases/tag/v1.14.1");
        Path evm = bucketArch.resolve("subnet-evm-v1.14.1-" + ARCH + ".rpm");
        assertThat(Cmd.run("rpm", "-qp", "--nosignature", "--qf", "%{SUMMARY}|%{DESCRIPTION}", evm.toString()).ok().output())
                .isEqualTo("Subnet-EVM plugin for AvalancheGo|Subnet-EVM plugin for AvalancheGo");
        // rpmlint judges signatures against the default database, which Debian keeps in ~/.rpmdb
        Path home = Files.createDirectories(tmp.resolve("home"));
        Cmd.run(List.of("rpmkeys", "--import", tmp.resolve("out/RPM-GPG-KEY-avalanchego").toString()), null,
                Map.of("HOME", home.toString())).ok();
        for (Path p : List.of(rpm, evm)) {
            String lint = Cmd.run(List.of("rpmlint", p.toString()), null, Map.of("HOME", home.toString())).output();
            assertThat(lint).contains("0 errors");
        }
    }

    @Test
    void aV1141ShapedBuildScriptOnlyWorksFromItsOwnDirectory() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE_V1_14_1, "v1.14.1");
        Path out = tmp.resolve("plugin");
        Cmd.Result fromRoot = Cmd.run(List.of("bash", "graft/subnet-evm/scripts/build.sh", out.toString()), src,
                Map.of());
        assertThat(fromRoot.exitCode()).as("the old way: started from the repository root").isNotZero();
        assertThat(fromRoot.output()).contains("plugin/");
        Cmd.run(List.of("bash", "scripts/build.sh", out.toString()), src.resolve("graft/subnet-evm"), Map.of()).ok();
        assertThat(Cmd.run(out.toString(), "--version").ok().output()).startsWith("Subnet-EVM/v0.8.0@" + head(src));
    }

    @Test
    void aWrongPluginCommitFailsValidationAndPublishesNothing() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1");
        Path build = src.resolve("graft/subnet-evm/scripts/build.sh");
        String wrong = "fedcba9876543210fedcba9876543210fedcba98";
        Files.writeString(build, Files.readString(build).replace("-DGIT_COMMIT=\"\\\"$git_commit\\\"\"",
                "-DGIT_COMMIT=\"\\\"" + wrong + "\\\"\""));
        assertThat(Files.readString(build)).contains(wrong);
        recommit(src, "v1.14.1");
        CliRunner.Run r = release(src, "v1.14.1");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.err()).contains("FAIL  subnet-evm   smoke", "@" + wrong, "expected the built commit " + head(src),
                "NOT publishing to file:" + tmp.resolve("bucket")).doesNotContain("== publish to");
        assertThat(r.out()).contains("RELEASE FAILED VALIDATION", "nothing was uploaded");
        assertThat(files(tmp.resolve("bucket"))).as("the destination is untouched").isEmpty();
        // issue 21 point 8: --out receives a release only when every validation passed
        assertThat(tmp.resolve("out/subnet-evm-v1.14.1-" + ARCH + ".rpm")).as("--out left as it was").doesNotExist();
    }

    @Test
    void aPluginUnderAnotherVmIdFailsValidation() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1");
        Path constants = src.resolve("graft/subnet-evm/scripts/constants.sh");
        Files.writeString(constants, Files.readString(constants).replace(VM, OTHER_VM));
        recommit(src, "v1.14.1");
        String commit = head(src);
        CliRunner.Run r = release(src, "v1.14.1");
        assertThat(r.exitCode()).as("the VM ID of this tree, recorded in release.json").isZero();
        assertThat(r.err()).contains("/var/opt/avalanchego/plugins/" + OTHER_VM);
        // from the bucket nothing says which VM ID was built: the default subnet-evm ID is expected, and refused
        String pinned = tmp.resolve("out/RPM-GPG-KEY-avalanchego").toString();
        CliRunner.Run v = CliRunner.run("validate", "--from", "file:" + tmp.resolve("bucket"), "--key", pinned,
                "--tag", "v1.14.1",
                "--arch", ARCH, "--commit", commit, "--local");
        assertThat(v.exitCode()).as(v.all()).isEqualTo(Main.CHECK_FAILED);
        assertThat(v.out()).contains("FAIL  subnet-evm   smoke", "installs its plugin as /var/opt/avalanchego/plugins/"
                + OTHER_VM, "expected exactly /var/opt/avalanchego/plugins/" + VM);
        CliRunner.Run given = CliRunner.run("validate", "--from", "file:" + tmp.resolve("bucket"), "--key", pinned,
                "--tag", "v1.14.1",
                "--arch", ARCH, "--commit", commit, "--local", "--vm-id", OTHER_VM);
        assertThat(given.exitCode()).as(given.all()).isZero();
        CliRunner.Run fromDir = CliRunner.run("validate", "--from", tmp.resolve("out").toString(), "--tag", "v1.14.1",
                "--arch", ARCH, "--commit", commit, "--local");
        assertThat(fromDir.exitCode()).as(fromDir.all()).isZero();
        assertThat(fromDir.out()).contains("VM ID from " + tmp.resolve("out/release.json"));
        CliRunner.Run wrongId = CliRunner.run("validate", "--from", tmp.resolve("out").toString(), "--tag", "v1.14.1",
                "--arch", ARCH, "--commit", commit, "--local", "--vm-id", VM);
        assertThat(wrongId.exitCode()).isEqualTo(Main.CHECK_FAILED);
        assertThat(wrongId.out()).contains("installs its plugin as", "VM ID from --vm-id");
    }

    @Test
    void aTagNotAtHeadOrMissingIsRefusedBeforeAnyBuildWork() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1");
        String tagged = head(src);
        Files.writeString(src.resolve("CHANGES"), "after the tag\n");
        TestPackages.commitAll(src);
        for (String dry : new String[] {"--dry-run", "--json"}) {
            CliRunner.Run r = release(src, "v1.14.1", dry);
            assertThat(r.exitCode()).as(r.all()).isEqualTo(Main.USAGE);
            assertThat(r.err()).contains("tag v1.14.1 points at commit " + tagged + " but commit " + head(src)
                    + " is checked out", "--allow-tag-mismatch");
            CliRunner.Run missing = release(src, "v1.14.2", dry);
            assertThat(missing.exitCode()).isEqualTo(Main.USAGE);
            assertThat(missing.err()).contains("tag v1.14.2 does not exist");
        }
        assertThat(src.resolve("build")).as("no build work").doesNotExist();
        assertThat(tmp.resolve("out")).doesNotExist();
        CliRunner.Run b = CliRunner.run("build", "--tag", "v1.14.1", "--source", src.toString(), "--out",
                tmp.resolve("out").toString(), "--allow-tag-mismatch", "--compression", "zstd:3");
        assertThat(b.exitCode()).as(b.all()).isZero();
        assertThat(b.err()).contains("WARNING: --allow-tag-mismatch: tag v1.14.1 points at commit " + tagged);
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("out/release.json").toFile());
        assertThat(m.get("overrides").get(0).asText()).startsWith("--allow-tag-mismatch: tag v1.14.1 points at");
        assertThat(m.get("commit").asText()).isEqualTo(head(src));
    }

    @Test
    void aDirtyTreeIsRefusedUnlessAllowedAndThenRecorded() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1");
        Files.writeString(src.resolve("untracked.txt"), "x\n");
        CliRunner.Run untracked = release(src, "v1.14.1");
        assertThat(untracked.exitCode()).isEqualTo(Main.USAGE);
        assertThat(untracked.err()).contains("modified or untracked", "?? untracked.txt", "--allow-dirty");
        Files.delete(src.resolve("untracked.txt"));
        Path c = src.resolve("main/avalanchego.c");
        Files.writeString(c, Files.readString(c) + "/* changed */\n");
        CliRunner.Run modified = release(src, "v1.14.1");
        assertThat(modified.exitCode()).isEqualTo(Main.USAGE);
        assertThat(modified.err()).contains("M main/avalanchego.c");
        CliRunner.Run dry = release(src, "v1.14.1", "--dry-run");
        assertThat(dry.exitCode()).isEqualTo(Main.USAGE);
        assertThat(dry.err()).isEqualTo(modified.err());
        assertThat(src.resolve("build")).as("no build work").doesNotExist();

        CliRunner.Run allowed = release(src, "v1.14.1", "--allow-dirty");
        assertThat(allowed.exitCode()).as(allowed.all()).isZero();
        assertThat(allowed.err()).contains("WARNING: --allow-dirty: the source tree has 1 modified or untracked");
        assertThat(allowed.out()).contains("WARNING:     --allow-dirty");
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("out/release.json").toFile());
        assertThat(m.get("dirty").asBoolean()).isTrue();
        assertThat(m.get("overrides").get(0).asText()).contains("--allow-dirty", "main/avalanchego.c");
    }

    @Test
    void releaseNeverDeletesFilesItDidNotWrite() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE, "v1.14.1");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("x.rpm"), "a user's file\n");
        Files.writeString(out.resolve("notes.txt"), "keep me\n");
        Path c = src.resolve("main/avalanchego.c");
        Files.writeString(c, "not C\n");
        recommit(src, "v1.14.1");
        CliRunner.Run failing = release(src, "v1.14.1");
        assertThat(failing.exitCode()).as(failing.all()).isEqualTo(Main.FAILURE);
        assertThat(files(out)).containsExactly("notes.txt", "x.rpm");
        assertThat(files(tmp.resolve("bucket"))).isEmpty();

        Files.writeString(c, Files.readString(TestPackages.copySample(tmp.resolve("fresh")).resolve("main/avalanchego.c")));
        recommit(src, "v1.14.1");
        CliRunner.Run ok = release(src, "v1.14.1");
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(files(out)).containsExactlyInAnyOrder("notes.txt", "x.rpm", "release.json", "RPM-GPG-KEY-avalanchego",
                "avalanchego-v1.14.1-" + ARCH + ".rpm", "subnet-evm-v1.14.1-" + ARCH + ".rpm",
                "validation-junit.xml");
        assertThat(Files.readString(out.resolve("x.rpm"))).isEqualTo("a user's file\n");
        assertThat(files(tmp.resolve("bucket"))).noneMatch(f -> f.endsWith("x.rpm"));

        // a failing run into a directory that did not exist leaves no directory behind
        CliRunner.Run none = CliRunner.run("release", "--tag", "v1.14.1", "--source", tmp.resolve("not-a-tree")
                .toString(), "--ephemeral", "--local", "--out", tmp.resolve("new-out").toString());
        assertThat(none.exitCode()).isEqualTo(Main.USAGE);
        Files.writeString(c, "not C\n");
        recommit(src, "v1.14.1");
        assertThat(CliRunner.run("build", "--tag", "v1.14.1", "--source", src.toString(), "--out",
                tmp.resolve("new-out").toString()).exitCode()).isEqualTo(Main.FAILURE);
        assertThat(tmp.resolve("new-out")).doesNotExist();
    }

    @Test
    void dryRunPrintsThePlanAndRunsNothing() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"), TestPackages.SAMPLE_V1_14_1, "v1.15.0-fuji-rc.4");
        CliRunner.Run r = release(src, "v1.15.0-fuji-rc.4", "--dry-run");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("DRY RUN", "source:   " + src + " at commit " + head(src) + " (clean)",
                "tag:      v1.15.0-fuji-rc.4 (points at the checked-out commit)",
                "VM ID:    " + VM + " (read from graft/subnet-evm/scripts/constants.sh:",
                "subnet-evm build script builds \"plugin/\" relative to its working directory",
                "build avalanchego: ./scripts/build.sh", "    in " + src + "  ->  " + src.resolve("build/avalanchego"),
                "build subnet-evm: ./scripts/build.sh " + src.resolve("build/subnet-evm"),
                "    in " + src.resolve("graft/subnet-evm"),
                "package avalanchego: version 1.15.0~fuji_rc.4, release 1, file avalanchego-v1.15.0-fuji-rc.4-"
                        + ARCH + ".rpm, installs /var/opt/avalanchego/bin/avalanchego",
                "package subnet-evm: version 1.15.0~fuji_rc.4, release 1, file subnet-evm-v1.15.0-fuji-rc.4-" + ARCH
                        + ".rpm, installs /var/opt/avalanchego/plugins/" + VM,
                "publish:  file:" + tmp.resolve("bucket") + " (only if validation passes)",
                "linux/rpms/fuji/" + ARCH + "/subnet-evm-v1.15.0-fuji-rc.4-" + ARCH + ".rpm",
                "channel:  fuji (repository avalanchego-fuji, opt-in: enabled=0, dnf --enablerepo=avalanchego-fuji)",
                "linux/rpms/RPM-GPG-KEY-avalanchego", "AVALANCHEGO_COMMIT=" + head(src), "compression: zstd:3");
        assertThat(r.err()).isEmpty();
        // without --compression a tagged release takes the measured default (docs/performance.md)
        CliRunner.Run byDefault = CliRunner.run("release", "--tag", "v1.15.0-fuji-rc.4", "--source", src.toString(),
                "--ephemeral", "--local", "--out", tmp.resolve("out").toString(), "--dry-run");
        assertThat(byDefault.exitCode()).as(byDefault.all()).isZero();
        assertThat(byDefault.out()).contains("compression: zstd:19");
        assertThat(src.resolve("build")).doesNotExist();
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(tmp.resolve("bucket")).doesNotExist();
        // the same refusals as a real run, with the same exit code
        CliRunner.Run s3 = release(src, "v1.15.0-fuji-rc.4", "--dry-run", "--to", "s3://b");
        assertThat(CliRunner.run("release", "--tag", "v1.15.0-fuji-rc.4", "--source", src.toString(), "--ephemeral",
                "--to", "s3://b", "--dry-run").exitCode()).isEqualTo(Main.USAGE);
        assertThat(s3.exitCode()).isEqualTo(Main.USAGE);
        CliRunner.Run pr = CliRunner.run("release", "--pr", "abcdef1", "--source", src.toString(), "--dry-run");
        assertThat(pr.exitCode()).isEqualTo(Main.USAGE);
        assertThat(pr.err()).contains("pull-request tag v0.0.0-pr.abcdef1 names commit abcdef1");
        CliRunner.Run prOk = CliRunner.run("release", "--pr", head(src), "--source", src.toString(), "--dry-run");
        assertThat(prOk.exitCode()).as(prOk.all()).isZero();
        assertThat(prOk.out()).contains("publish:  nothing (pull-request build)");
    }
}
