package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.sign.SecretScan;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.testing.Cmd;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rpmValidate on a labelled agent: build, sign (ephemeral), then install and smoke-test in a fresh container of the
 * target image with the agent's docker CLI; a published release (file:) judged against the key the controller holds,
 * a public key file or, loudly, the published key (issue 21). Needs docker (or podman's docker-compatible service via
 * DOCKER_HOST) and the image ({@code -DrpmRelease.validateImage}, default rockylinux:9), gcc and gpg; fails loudly
 * without them.
 */
@WithJenkins
class RpmValidateStepTest {
    static final String IMAGE = System.getProperty("rpmRelease.validateImage", "rockylinux:9");
    static final String PASS = "validate passphrase 4 the release key";
    static GpgHome gpg;
    static String armoredSecret;
    static String otherPublicKey;
    static SigningKey key;

    @BeforeAll
    static void keys() throws IOException {
        gpg = new GpgHome();
        String fingerprint = gpg.generate(GpgHome.rsa(3072, "sign", PASS, "RPM Validate Test"));
        armoredSecret = gpg.exportSecret(fingerprint, PASS);
        key = SigningKeys.load(new ByteArrayInputStream(armoredSecret.getBytes(StandardCharsets.US_ASCII)),
                PASS.toCharArray(), "validate test key");
        String other = gpg.generate(GpgHome.rsa(3072, "sign", null, "Someone Else"));
        otherPublicKey = Files.readString(gpg.exportPublic(other, gpg.dir().resolve("other.asc")));
    }

    @AfterAll
    static void cleanup() throws IOException {
        key.close();
        gpg.close();
    }

    /** A published release of v1.14.1 (RPM Release 1, and {@code respin} more) in ws/bucket, signed by the release key. */
    static void published(FilePath ws, Path scratch, int respins) throws Exception {
        Path bucket = Path.of(ws.child("bucket").getRemote());
        for (int r = 1; r <= 1 + respins; r++) {
            Fixtures.publish(bucket, scratch, "v1.14.1", String.valueOf(r), key);
        }
    }

    static Pipeline trust(String publicKey, boolean trustPublished) {
        return Pipeline.load("validate-trust").with("LABEL", Fixtures.LABEL).with("FROM", "file:bucket")
                .with("IMAGE", IMAGE).with("COMMIT", Fixtures.COMMIT).with("PUBLIC_KEY", publicKey)
                .with("TRUST", trustPublished);
    }

    static Pipeline releaseKey(String release, boolean trustPublished) {
        return Pipeline.load("validate-key-file").with("LABEL", Fixtures.LABEL).with("FROM", "file:bucket")
                .with("IMAGE", IMAGE).with("COMMIT", Fixtures.COMMIT).with("RELEASE", release)
                .with("TRUST", trustPublished);
    }

    static void releaseKeyCredentials(JenkinsRule j) throws IOException {
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("rpm-gpg-pass", PASS));
    }

    /** Default compression: zstd, so the agent-side ELF gate reads zstd payloads through the steps. */
    private static Pipeline pipeline(String commit) {
        return Pipeline.load("validate-release").with("LABEL", Fixtures.LABEL).with("BUILD_SCRIPT", Fixtures.BUILD_SCRIPT)
                .with("IMAGE", IMAGE).with("COMMIT", commit);
    }

    @Test
    void aGoodReleaseInstallsAndRunsInTheTargetImage(JenkinsRule j, @TempDir Path tmp) throws Exception {
        Cmd.requireTool("docker");
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "validate", pipeline(""));   // "": the commit rpmBuild read
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        // the CLI's validate --json vocabulary: checks with lower-case status
        j.assertLogContains("passed=true release=v1.14.1 " + RpmCore.hostArch() + " failedChecks=0", b);
        assertThat(JenkinsRule.getLog(b)).containsPattern("passedChecks=[1-9]");
        String xml = Files.readString(Path.of(ws.child("validate.xml").getRemote()));
        assertThat(xml).contains("<testsuite").contains("<testcase").doesNotContain("<failure");
    }

    @Test
    void aWrongCommitFailsListingTheFailedChecksAndStillWritesJUnit(JenkinsRule j, @TempDir Path tmp) throws Exception {
        Cmd.requireTool("docker");
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "validate-wrong-commit", pipeline("1111111111111111111111111111111111111111"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("check(s) failed", b);
        j.assertLogNotContains("passed=true", b);
        assertThat(Files.readString(Path.of(ws.child("validate.xml").getRemote()))).contains("<failure");
    }

    @Test
    void aRelativeFileSourceResolvesAgainstTheWorkspace(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "validate-file", Pipeline.load("validate-from").with("LABEL", Fixtures.LABEL)
                .with("FROM", "file:bucket-copy"));
        FilePath ws = Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        // the error names the directory inside the workspace, not one under the agent process's working directory
        j.assertLogContains(ws.child("bucket-copy").getRemote(), b);
        assertThat(RpmValidateStep.source(ws, "file:bucket-copy")).isEqualTo("file:" + ws.child("bucket-copy").getRemote());
        assertThat(RpmValidateStep.source(ws, "file:/srv/bucket")).isEqualTo("file:/srv/bucket");
        assertThat(RpmValidateStep.source(ws, "file:///srv/bucket")).isEqualTo("file:///srv/bucket");
        assertThat(RpmValidateStep.source(ws, "out/x86_64")).isEqualTo(ws.child("out/x86_64").getRemote());
        assertThat(RpmValidateStep.source(ws, "s3://b/p")).isEqualTo("s3://b/p");
    }

    @Test
    void missingReleaseIsAUserError(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "validate-nothing", Pipeline.load("validate-from").with("LABEL", Fixtures.LABEL)
                .with("FROM", "nothing-here"));
        Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmValidate:", b);
    }

    // ---- issue 21 point 2: the trust anchor is the caller's, never the bucket's ----

    @Test
    void aPublishedLocationWithoutTheExpectedKeyIsRefusedNamingTheStepsOptions(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "unpinned", trust("", false));
        published(Fixtures.workspace(agent, p), tmp, 0);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        // rpm-core's rule (TrustAnchor.require), before anything is fetched; the hint names this step's options
        j.assertLogContains("needs the expected public key", b);
        j.assertLogContains("In rpmValidate: key: keyFile(credentialsId: ...) or key: pkcs11(...) pins the key the "
                + "controller holds", b);
        j.assertLogNotContains("passed=", b);
    }

    @Test
    void theExpectedKeyIsOneOfKeyPublicKeyOrTrustPublishedKey(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        releaseKeyCredentials(j);
        WorkflowJob both = Fixtures.job(j, "both", releaseKey("", true));
        Fixtures.workspace(agent, both);
        j.assertLogContains("rpmValidate: give at most one of key:", j.assertBuildStatus(Result.FAILURE,
                both.scheduleBuild2(0)));
        WorkflowJob ephemeral = Fixtures.job(j, "ephemeral", Pipeline.load("validate-ephemeral-key")
                .with("LABEL", Fixtures.LABEL).with("FROM", "file:bucket"));
        Fixtures.workspace(agent, ephemeral);
        j.assertLogContains("rpmValidate: key: ephemeral() cannot be the expected key",
                j.assertBuildStatus(Result.FAILURE, ephemeral.scheduleBuild2(0)));
        WorkflowJob missing = Fixtures.job(j, "missing-key-file", trust("keys/RPM-GPG-KEY-avalanchego", false));
        FilePath ws = Fixtures.workspace(agent, missing);
        j.assertLogContains("rpmValidate: publicKey " + ws.child("keys/RPM-GPG-KEY-avalanchego").getRemote()
                + " does not exist", j.assertBuildStatus(Result.FAILURE, missing.scheduleBuild2(0)));
        WorkflowJob notAKey = Fixtures.job(j, "not-a-key", trust("not-a-key.asc", false));
        Fixtures.workspace(agent, notAKey).child("not-a-key.asc").write("hello\n", "UTF-8");
        WorkflowRun garbage = j.assertBuildStatus(Result.FAILURE, notAKey.scheduleBuild2(0));
        j.assertLogContains("rpmValidate: ", garbage);
        j.assertLogContains("publicKey 'not-a-key.asc'", garbage);   // rpm-core's message names the source
        j.assertLogNotContains("signatures are judged against", garbage);
    }

    @Test
    void aRespinIsLookedForUnderItsOwnName(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        releaseKeyCredentials(j);
        WorkflowJob p = Fixtures.job(j, "respin-missing", releaseKey("2", false));
        published(Fixtures.workspace(agent, p), tmp, 0);   // only Release 1 is published
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("avalanchego-v1.14.1_2-x86_64.rpm", b);
    }

    @Test
    void thePublishedReleaseValidatesAgainstTheKeyTheControllerHolds(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        Cmd.requireTool("docker");
        DumbSlave agent = Fixtures.agent(j);
        releaseKeyCredentials(j);
        WorkflowJob p = Fixtures.job(j, "pinned", releaseKey("2", false));
        published(Fixtures.workspace(agent, p), tmp, 1);   // 1.14.1-1 and its respin 1.14.1-2
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("rpmValidate: signatures are judged against pinned key", b);
        j.assertLogContains("the public key of credential 'rpm-gpg-key'", b);
        j.assertLogContains("passed=true release=v1.14.1 x86_64 warnings=0", b);
        j.assertLogContains("trust=[passed]", b);   // the published key file holds only the pinned key
        j.assertLogNotContains("trusting the key published", b);
        new SecretScan(PASS, armoredSecret).assertClean("build log", JenkinsRule.getLog(b));
    }

    @Test
    void anotherExpectedKeyFailsTheRelease(JenkinsRule j, @TempDir Path tmp) throws Exception {
        Cmd.requireTool("docker");
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "other-key", trust("expected.asc", false));
        FilePath ws = Fixtures.workspace(agent, p);
        published(ws, tmp, 0);
        ws.child("expected.asc").write(otherPublicKey, "UTF-8");
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("check(s) failed", b);
        j.assertLogContains("published-key", b);   // the published key file holds a key that is not pinned
        assertThat(Files.readString(Path.of(ws.child("validate.xml").getRemote()))).contains("<failure");
    }

    @Test
    void trustingThePublishedKeyPassesWithALoudWarning(JenkinsRule j, @TempDir Path tmp) throws Exception {
        Cmd.requireTool("docker");
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "trusting", trust("", true));
        FilePath ws = Fixtures.workspace(agent, p);
        published(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("passed=true warnings=1", b);
        // rpm-core's warning in the summary, and again as the step's last word
        j.assertLogContains("rpmValidate: WARNING: trusting the key published in", b);
        assertThat(JenkinsRule.getLog(b).split("WARNING: trusting the key published in", -1)).hasSizeGreaterThan(2);
        assertThat(Files.readString(Path.of(ws.child("validate.xml").getRemote())))
                .contains("name=\"warning\"").contains("trusting the key published in");
    }
}
