package io.avalanche.rpm.jenkins;

import hudson.model.Result;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.sign.Proc;
import io.avalanche.rpm.sign.SecretScan;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rpmPrune, rpmYank and rpmUnyank against a file: destination that rpm-core's Publisher filled with three signed
 * stable releases: they run on the controller without a node, plan unless told to apply, sign the rewritten metadata
 * with the release key from credentials (gpg verifies it against the published key), record every signature, return
 * rpm-core's toMap() vocabulary, and refuse bad input before anything changes. What the metadata lists is read as dnf
 * reads it (repomd.xml, then primary.xml.gz), not through rpm-core. Needs gcc and gpg.
 */
@WithJenkins
class LifecycleStepTest {
    static final String PASS = "lifecycle passphrase, 9 words long";
    static GpgHome gpg;
    static String armoredSecret;
    static SigningKey key;

    @BeforeAll
    static void releaseKey() throws IOException {
        gpg = new GpgHome();
        String fingerprint = gpg.generate(GpgHome.rsa(3072, "sign", PASS, "RPM Lifecycle Test"));
        armoredSecret = gpg.exportSecret(fingerprint, PASS);
        key = SigningKeys.load(new ByteArrayInputStream(armoredSecret.getBytes(StandardCharsets.US_ASCII)),
                PASS.toCharArray(), "lifecycle test key");
    }

    @AfterAll
    static void cleanup() throws IOException {
        key.close();
        gpg.close();
    }

    /** The Jenkins of this test: taken once, here, and kept (JTH starts one per JenkinsRule resolution). */
    private JenkinsRule j;
    private Path allowed;
    private Path bucket;
    private Path repository;
    private String to;

    @BeforeEach
    void publishThreeReleases(JenkinsRule rule, @TempDir Path tmp) throws Exception {
        j = rule;
        allowed = tmp.resolve("allowed");
        bucket = allowed.resolve("bucket");
        to = "file:" + bucket;
        System.setProperty(LifecycleStep.FILE_ROOTS, allowed.toString());
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret),
                Fixtures.secretText("rpm-gpg-pass", PASS));
        for (String tag : List.of("v1.14.1", "v1.14.2", "v1.14.3")) {
            Fixtures.publish(bucket, tmp.resolve("scratch"), tag, "1", key);
        }
        repository = bucket.resolve("linux/rpms/x86_64");
        assertThat(Fixtures.listed(repository)).containsExactly("1.14.1-1", "1.14.2-1", "1.14.3-1");
    }

    @AfterEach
    void forgetTheAllowedDirectory() {
        System.clearProperty(LifecycleStep.FILE_ROOTS);
    }

    Pipeline prune(String destination, int keep, String channels, boolean apply) {
        return Pipeline.load("lifecycle-prune").with("TO", destination).with("KEEP", keep).with("CHANNELS", channels)
                .with("APPLY", apply);
    }

    Pipeline yank(String destination, String tag, String reason, String release, boolean dryRun, String layout) {
        return Pipeline.load("lifecycle-yank").with("TO", destination).with("TAG", tag).with("REASON", reason)
                .with("RELEASE", release).with("DRY_RUN", dryRun).with("LAYOUT", layout);
    }

    Pipeline unyank(String tag, boolean dryRun) {
        return Pipeline.load("lifecycle-unyank").with("TO", to).with("TAG", tag).with("DRY_RUN", dryRun);
    }

    WorkflowRun success(String name, Pipeline script) throws Exception {
        return j.assertBuildStatusSuccess(Fixtures.job(j, name, script).scheduleBuild2(0));
    }

    WorkflowRun failure(String name, Pipeline script) throws Exception {
        return j.assertBuildStatus(Result.FAILURE, Fixtures.job(j, name, script).scheduleBuild2(0));
    }

    /** gpg, with only the key published in the bucket, verifies the repository's repomd.xml.asc. */
    void assertIndexVerifies() throws IOException {
        try (GpgHome customer = new GpgHome()) {
            customer.gpg("--batch", "--import", bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego").toString()).ok();
            Proc.Result r = customer.gpg("--batch", "--verify",
                    repository.resolve("repodata/repomd.xml.asc").toString(),
                    repository.resolve("repodata/repomd.xml").toString());
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.all()).contains("Good signature");
        }
    }

    @Test
    void rpmPrunePlansUntilToldToApplyThenSignsTheRewrittenIndexAndDeletes() throws Exception {
        WorkflowRun plan = success("prune-plan", prune(to, 2, "", false));
        j.assertLogContains("rpmPrune: PLAN, nothing changes (apply: true applies it)", plan);
        // rpm-core's PruneResult.toMap(), unchanged: the vocabulary of prune --json
        j.assertLogContains("applied=false keep=2 keys=[keep, repositories, applied, rewritten, deleted] deleted=0",
                plan);
        j.assertLogContains("repositories=1 pruned=[1.14.1-1]", plan);
        j.assertLogContains("prune  1.14.1-1", plan);   // rpm-core's plan lines, as the CLI prints them
        j.assertLogNotContains("[Pipeline] node", plan);   // the controller: no agent, no workspace
        assertThat(Fixtures.listed(repository)).containsExactly("1.14.1-1", "1.14.2-1", "1.14.3-1");
        assertThat(repository.resolve("avalanchego-v1.14.1-x86_64.rpm")).exists();
        assertThat(plan.getAction(RpmSignaturesAction.class)).as("a plan unlocks and signs nothing").isNull();

        WorkflowRun applied = success("prune-apply", prune(to, 2, "stable", true));
        j.assertLogContains("applied=true keep=2 keys=[keep, repositories, applied, rewritten, deleted] deleted=2",
                applied);
        assertThat(Fixtures.listed(repository)).containsExactly("1.14.2-1", "1.14.3-1");
        assertThat(repository.resolve("avalanchego-v1.14.1-x86_64.rpm")).doesNotExist();
        assertThat(repository.resolve("subnet-evm-v1.14.1-x86_64.rpm")).doesNotExist();
        assertThat(repository.resolve("avalanchego-v1.14.2-x86_64.rpm")).exists();
        assertIndexVerifies();
        // every signature the controller made is in the build; a build signed with the release key is kept
        List<RpmSignaturesAction.Signature> made = applied.getAction(RpmSignaturesAction.class).getSignatures();
        String index = Digests.sha256Hex(Files.readAllBytes(repository.resolve("repodata/repomd.xml")));
        assertThat(made).anySatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("repomd");
            assertThat(s.getSha256()).isEqualTo(index);
            assertThat(s.isEphemeral()).isFalse();
        });
        assertThat(applied.isKeepLog()).isTrue();
        new SecretScan(PASS, armoredSecret).assertClean("build log", JenkinsRule.getLog(applied));
    }

    @Test
    void rpmYankTakesATagOutOfTheMetadataAndRpmUnyankBringsItBack() throws Exception {
        String reason = "corrupts the database on upgrade; use v1.14.3";
        WorkflowRun dry = success("yank-plan", yank(to, "v1.14.2", reason, "", true, ""));
        j.assertLogContains("action=yank tag=v1.14.2 applied=false", dry);
        assertThat(bucket.resolve("linux/rpms/yanked/v1.14.2.json")).doesNotExist();
        assertThat(Fixtures.listed(repository)).contains("1.14.2-1");

        WorkflowRun yanked = success("yank", yank(to, "v1.14.2", reason, "", false, "seed"));
        // rpm-core's YankResult.toMap(), unchanged: the vocabulary of yank --json
        j.assertLogContains("action=yank tag=v1.14.2 applied=true keys=[action, tag, release, reason, record, applied, "
                + "repositories, rewritten] repositories=1", yanked);
        j.assertLogContains("leaves the stable x86_64 metadata", yanked);
        j.assertLogNotContains("[Pipeline] node", yanked);
        assertThat(Fixtures.listed(repository)).containsExactly("1.14.1-1", "1.14.3-1");
        assertThat(repository.resolve("avalanchego-v1.14.2-x86_64.rpm")).as("the objects stay").exists();
        assertThat(Files.readString(bucket.resolve("linux/rpms/yanked/v1.14.2.json"))).contains(reason);
        assertIndexVerifies();

        WorkflowRun back = success("unyank", unyank("v1.14.2", false));
        j.assertLogContains("action=unyank tag=v1.14.2 applied=true reason=" + reason + " repositories=1", back);
        assertThat(Fixtures.listed(repository)).containsExactly("1.14.1-1", "1.14.2-1", "1.14.3-1");
        assertIndexVerifies();

        j.assertLogContains("v1.14.1 is not yanked", failure("unyank-never-yanked", unyank("v1.14.1", false)));
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges(@TempDir Path elsewhere) throws Exception {
        byte[] index = Files.readAllBytes(repository.resolve("repodata/repomd.xml"));
        // the controller's file system: only under the directories an administrator allowed
        WorkflowRun outside = failure("outside", yank("file:" + elsewhere, "v1.14.2", "r", "", false, ""));
        j.assertLogContains("rpmYank: file: destination " + elsewhere + " is not allowed on this controller", outside);
        j.assertLogContains(LifecycleStep.FILE_ROOTS, outside);
        // a link inside the allowed directory that leads out of it is not inside it
        Files.createSymbolicLink(allowed.resolve("escape"), elsewhere);
        j.assertLogContains("is not allowed on this controller",
                failure("escape", yank("file:" + allowed.resolve("escape"), "v1.14.2", "r", "", false, "")));
        // rpm-core's own refusals, with the step's name
        j.assertLogContains("rpmYank: invalid tag 'latest'", failure("bad-tag", yank(to, "latest", "r", "", false, "")));
        j.assertLogContains("a respin's RPM Release is a whole number from 1",
                failure("bad-release", yank(to, "v1.14.2", "r", "x", false, "")));
        j.assertLogContains("not a layout", failure("bad-layout", yank(to, "v1.14.2", "r", "", false, "rhel8")));
        j.assertLogContains("say in one line why v1.14.2 is yanked",
                failure("no-reason", yank(to, "v1.14.2", "", "", false, "")));
        j.assertLogContains("not a channel", failure("bad-channel", prune(to, 1, "nightly", true)));
        j.assertLogContains("rpmPrune: keep is required", failure("no-keep",
                Pipeline.load("lifecycle-prune-without").with("TO", to).with("APPLY", false)));
        WorkflowRun s3 = failure("ephemeral-s3", Pipeline.load("lifecycle-ephemeral-s3"));
        j.assertLogContains("rpmYank: refused by rpm-core's key rules: refusing to publish an ephemeral-signed release "
                + "to s3://rpms", s3);
        // applying to a signed repository without the key: rpm-core refuses before anything is written
        WorkflowRun unsigned = failure("unsigned", Pipeline.load("lifecycle-prune-unsigned").with("TO", to));
        j.assertLogContains("rpmPrune: WARNING: no key", unsigned);
        j.assertLogContains("Nothing was changed", unsigned);

        assertThat(Files.readAllBytes(repository.resolve("repodata/repomd.xml"))).isEqualTo(index);
        assertThat(Fixtures.listed(repository)).containsExactly("1.14.1-1", "1.14.2-1", "1.14.3-1");
        assertThat(bucket.resolve("linux/rpms/yanked")).doesNotExist();
        assertThat(elsewhere).isEmptyDirectory();
    }
}
