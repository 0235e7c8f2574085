package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.sign.Proc;
import io.avalanche.rpm.sign.SecretScan;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rpmPublish inside pipeline-aws's withAWS, against S3Proxy (its own process) on 127.0.0.1 with SigV4; repository
 * metadata signed on the controller and verified by gpg against the published key.
 */
@WithJenkins
class RpmPublishStepTest {
    static final String ID = "AKIAJENKINSPUBLISH";
    static final String SECRET = "jenkins-publish-secret-0123456789";
    static final String KEY = "linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm";
    static final String REPOMD = "linux/rpms/x86_64/repodata/repomd.xml";
    static final String PASS = "c0rrect h0rse publish passphrase";
    static GpgHome gpg;
    static String armoredSecret;

    @BeforeAll
    static void key() throws IOException {
        gpg = new GpgHome();
        String fingerprint = gpg.generate(GpgHome.rsa(3072, "sign", PASS, "RPM Publish Test"));
        armoredSecret = gpg.exportSecret(fingerprint, PASS);
        assertThat(armoredSecret).contains("BEGIN PGP PRIVATE KEY BLOCK");
    }

    @AfterAll
    static void cleanup() throws IOException {
        gpg.close();
    }

    S3ProxyProcess proxy;

    @BeforeEach
    void s3(@TempDir Path dir) throws Exception {
        proxy = S3ProxyProcess.start(dir, ID, SECRET, "rpms");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    String endpoint() {
        return proxy.endpoint();
    }

    Pipeline publish(boolean force) {
        return Pipeline.load("publish").with("LABEL", Fixtures.LABEL).with("ENDPOINT", endpoint()).with("FORCE", force);
    }

    /** The release key signs the packages (rpmSign); rpmPublish has no key: the metadata is unsigned. */
    Pipeline signWithReleaseKeyThenPublish() {
        return Pipeline.load("sign-release-key-then-publish").with("LABEL", Fixtures.LABEL).with("ENDPOINT", endpoint());
    }

    static void releaseKeyCredentials(JenkinsRule j) throws IOException {
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("rpm-gpg-pass", PASS));
    }

    @Test
    void publishesTheSignedReleaseWithTheAwsSettingsOfWithAws(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET));
        releaseKeyCredentials(j);
        WorkflowJob p = Fixtures.job(j, "publish", signWithReleaseKeyThenPublish());
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        // the CLI's publish --json vocabulary: lower-case status, repoFile
        j.assertLogContains("objects=2 first=uploaded destination=s3://rpms repoFile=", b);
        j.assertLogContains("avalanchego.repo", b);
        j.assertLogContains("published UNSIGNED", b);
        j.assertLogContains("to s3://rpms (AWS settings from the environment: AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION, "
                + "AWS_ENDPOINT_URL, AWS_REGION, AWS_SECRET_ACCESS_KEY)", b);
        j.assertLogNotContains(SECRET, b);

        Path local = Path.of(ws.child("rpm-release-out/avalanchego-v1.14.1-x86_64.rpm").getRemote());
        try (S3Store store = store()) {
            assertThat(store.head(KEY)).isPresent();
            assertThat(store.head("linux/rpms/RPM-GPG-KEY-avalanchego")).isPresent();
            assertThat(store.get(KEY).orElseThrow()).isEqualTo(Files.readAllBytes(local));
            assertThat(store.head(REPOMD)).isPresent();
            assertThat(store.head(REPOMD + ".asc")).as("no key, no metadata signature").isEmpty();
            assertThat(new String(store.get("linux/rpms/avalanchego.repo").orElseThrow(), StandardCharsets.UTF_8))
                    .contains("repo_gpgcheck=0");
        }

        // the same signed bytes again: a no-op
        WorkflowJob republish = Fixtures.job(j, "republish", publish(false));
        ws.child("rpm-release-out").copyRecursiveTo(Fixtures.workspace(agent, republish).child("rpm-release-out"));
        WorkflowRun again = j.assertBuildStatusSuccess(republish.scheduleBuild2(0));
        j.assertLogContains("objects=2 first=unchanged", again);
    }

    S3Store store() {
        return S3Store.open("s3://rpms", S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", ID,
                "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", endpoint())));
    }

    @Test
    void signsTheRepositoryMetadataOnTheControllerWithTheReleaseKey(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET),
                Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("rpm-gpg-pass", PASS));
        WorkflowJob p = Fixtures.job(j, "signed-publish", Pipeline.load("publish-signed").with("LABEL", Fixtures.LABEL)
                .with("PASS_ID", "rpm-gpg-pass").with("ENDPOINT", endpoint()).with("PREFIX", "").with("LAYOUT", ""));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("signed=true repos=1 repoSigned=true repoFile=", b);
        j.assertLogContains("rpmPublish: signed repodata/repomd.xml of 1 repository(ies) with key", b);
        j.assertLogNotContains("UNSIGNED", b);
        j.assertLogNotContains(PASS, b);
        j.assertLogNotContains("PRIVATE KEY", b);
        j.assertLogNotContains(SECRET, b);
        String publicKey = ws.child("rpm-release-out/RPM-GPG-KEY-avalanchego").readToString();
        SecretScan scan = new SecretScan(PASS, armoredSecret, publicKey);
        scan.assertClean("build log", JenkinsRule.getLog(b));
        scan.assertTreeClean(Path.of(agent.getRemoteFS()));

        // gpg, with only the key published next to the packages, verifies the published index
        Path verify = Files.createDirectories(tmp.resolve("verify"));
        try (S3Store store = store();
             GpgHome customer = new GpgHome()) {
            Files.write(verify.resolve("RPM-GPG-KEY-avalanchego"),
                    store.get("linux/rpms/RPM-GPG-KEY-avalanchego").orElseThrow());
            Files.write(verify.resolve("repomd.xml"), store.get(REPOMD).orElseThrow());
            Files.write(verify.resolve("repomd.xml.asc"), store.get(REPOMD + ".asc").orElseThrow());
            customer.gpg("--batch", "--import", verify.resolve("RPM-GPG-KEY-avalanchego").toString()).ok();
            Proc.Result r = customer.gpg("--batch", "--verify", verify.resolve("repomd.xml.asc").toString(),
                    verify.resolve("repomd.xml").toString());
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.all()).contains("Good signature");
            // the oracle can fail: one changed byte of the index does not verify
            Files.writeString(verify.resolve("repomd.xml"), Files.readString(verify.resolve("repomd.xml"))
                    .replace("<revision>", "<revision>9"));
            assertThat(customer.gpg("--batch", "--verify", verify.resolve("repomd.xml.asc").toString(),
                    verify.resolve("repomd.xml").toString()).exit()).isNotZero();
            assertThat(new String(store.get("linux/rpms/avalanchego.repo").orElseThrow(), StandardCharsets.UTF_8))
                    .contains("repo_gpgcheck=1");
            // the build records both signatures the controller made: the package header and the repository index
            List<RpmSignaturesAction.Signature> made = b.getAction(RpmSignaturesAction.class).getSignatures();
            assertThat(made).extracting(RpmSignaturesAction.Signature::getKind).containsExactly("header", "repomd");
            assertThat(made.get(1).getSubject()).isEqualTo("linux/rpms/x86_64/repodata/repomd.xml");
            assertThat(made.get(1).getSha256()).isEqualTo(Digests.sha256Hex(store.get(REPOMD).orElseThrow()));
            assertThat(made.get(1).getKeyId()).isEqualTo(made.get(0).getKeyId());
        }
    }

    @Test
    void anEphemeralKeyNeverReachesS3(JenkinsRule j, @TempDir Path tmp) throws Exception {
        // issue 21 point 7 in Jenkins: customers could never verify what a key that expires after a day signed
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET));
        // as the metadata key: rpm-core's key rules refuse it when the step starts
        WorkflowJob p = Fixtures.job(j, "trial", Pipeline.load("publish-ephemeral-key").with("LABEL", Fixtures.LABEL)
                .with("ENDPOINT", endpoint()));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp.resolve("a"));
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmPublish: refused by rpm-core's key rules: refusing to publish an ephemeral-signed "
                + "release to s3://rpms", b);
        j.assertLogNotContains("PRIVATE KEY", b);
        // as the packages' key: rpm-core's publish checks refuse the release before anything is uploaded
        WorkflowJob q = Fixtures.job(j, "ephemeral-packages", Pipeline.load("sign-ephemeral-then-publish")
                .with("LABEL", Fixtures.LABEL).with("ENDPOINT", endpoint()));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, q), "rpm-release-out", tmp.resolve("b"));
        WorkflowRun c = j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0));
        j.assertLogContains("refusing to publish an ephemeral-signed release to s3://rpms", c);
        try (S3Store store = store()) {
            assertThat(store.head(KEY)).isEmpty();
            assertThat(store.head(REPOMD)).isEmpty();
            assertThat(store.head(REPOMD + ".asc")).isEmpty();
        }
    }

    @Test
    void publishesInUpstreamsEl9Layout(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET));
        releaseKeyCredentials(j);
        WorkflowJob p = Fixtures.job(j, "el9", Pipeline.load("publish-signed").with("LABEL", Fixtures.LABEL)
                .with("PASS_ID", "rpm-gpg-pass").with("ENDPOINT", endpoint()).with("PREFIX", "").with("LAYOUT", "el9"));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("signed=true repos=1 repoSigned=true", b);
        // upstream's later layout (ava-labs/avalanchego fc3bdf3d, b517eadb): rhel/el9/<arch>/ and GPG-KEY-avalanchego
        try (S3Store store = store()) {
            assertThat(store.head("linux/rpms/rhel/el9/x86_64/avalanchego-v1.14.1-x86_64.rpm")).isPresent();
            assertThat(store.head("linux/rpms/rhel/el9/x86_64/repodata/repomd.xml")).isPresent();
            assertThat(store.head("linux/rpms/rhel/el9/x86_64/repodata/repomd.xml.asc")).isPresent();
            assertThat(store.head("linux/rpms/rhel/el9/GPG-KEY-avalanchego")).isPresent();
            assertThat(store.head(KEY)).as("nothing in the seed's layout").isEmpty();
        }
    }

    @Test
    void aWrongPassphraseFailsBeforeAnythingIsUploaded(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        String wrong = "not-the-publish-passphrase-3";
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET),
                Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("bad-pass", wrong));
        WorkflowJob p = Fixtures.job(j, "bad-pass", Pipeline.load("publish-key-file").with("LABEL", Fixtures.LABEL)
                .with("PASS_ID", "bad-pass").with("ENDPOINT", endpoint()));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmPublish: ", b);
        j.assertLogContains("credential 'rpm-gpg-key'", b);
        j.assertLogNotContains(wrong, b);
        j.assertLogNotContains(PASS, b);
        new SecretScan(PASS, armoredSecret).assertClean("build log", JenkinsRule.getLog(b));
        try (S3Store store = store()) {
            assertThat(store.head(KEY)).isEmpty();
        }
    }

    @Test
    void badBucketsAndPrefixesAreRefusedByRpmCoreBeforeAnyWork(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "bad-bucket", Pipeline.load("publish-bad-bucket").with("LABEL", Fixtures.LABEL)
                .with("BUCKET", "Not_A_Bucket").with("PREFIX", ""));
        Fixtures.workspace(agent, p);
        j.assertLogContains("rpmPublish: bucket 'Not_A_Bucket' is not a valid S3 bucket name",
                j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0)));
        WorkflowJob q = Fixtures.job(j, "bad-prefix", Pipeline.load("publish-bad-bucket").with("LABEL", Fixtures.LABEL)
                .with("BUCKET", "rpms").with("PREFIX", "a/../b"));
        j.assertLogContains("segment", j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0)));
    }

    @Test
    void differentBytesAreRefusedUnlessForced(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET));
        releaseKeyCredentials(j);
        WorkflowJob first = Fixtures.job(j, "first", signWithReleaseKeyThenPublish());
        Fixtures.unsignedRelease(Fixtures.workspace(agent, first), "rpm-release-out", tmp.resolve("a"));
        j.assertBuildStatusSuccess(first.scheduleBuild2(0));

        // the same package name with another payload, signed with the same key: different bytes
        WorkflowJob second = Fixtures.job(j, "second", signWithReleaseKeyThenPublish());
        Fixtures.unsignedRelease(Fixtures.workspace(agent, second), "rpm-release-out", tmp.resolve("b"), 20_001);
        WorkflowRun refused = j.assertBuildStatus(Result.FAILURE, second.scheduleBuild2(0));
        j.assertLogContains("refusing to overwrite", refused);

        WorkflowJob forced = Fixtures.job(j, "forced", publish(true));
        Fixtures.workspace(agent, second).child("rpm-release-out")
                .copyRecursiveTo(Fixtures.workspace(agent, forced).child("rpm-release-out"));
        WorkflowRun b = j.assertBuildStatusSuccess(forced.scheduleBuild2(0));
        j.assertLogContains("replaced", b);
    }

    @Test
    void withoutWithAwsTheCredentialsAreMissing(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "no-aws", Pipeline.load("publish-without-aws").with("LABEL", Fixtures.LABEL)
                .with("ENDPOINT", endpoint()));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("AWS settings from the environment: AWS_ENDPOINT_URL, AWS_REGION)", b);
        j.assertLogNotContains("uploaded s3://", b);
    }
}
