package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.EnvironmentContributor;
import hudson.model.Fingerprint;
import hudson.model.Job;
import hudson.model.Result;
import hudson.model.TaskListener;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.sign.RpmFixtures;
import io.avalanche.rpm.sign.SecretScan;
import io.avalanche.rpm.format.RpmReader;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rpmSign on a labelled agent: real gpg keys from credentials, rpm/rpmkeys as oracles, no secret in the log; the
 * controller signs only what the build may release and records every signature in the build.
 */
@WithJenkins
class RpmSignStepTest {
    static final String PASS = "tr0ub4dor &3 passphrase";
    static GpgHome gpg;
    static String fingerprint;
    static String armoredSecret;

    @BeforeAll
    static void key() throws IOException {
        gpg = new GpgHome();
        fingerprint = gpg.generate(GpgHome.rsa(3072, "sign", PASS, "RPM Release Test"));
        armoredSecret = gpg.exportSecret(fingerprint, PASS);
        assertThat(armoredSecret).contains("BEGIN PGP PRIVATE KEY BLOCK");
    }

    @AfterAll
    static void cleanup() throws IOException {
        gpg.close();
    }

    static Pipeline keyFile(String keyId, String passId, String tag, String vmId) {
        return Pipeline.load("sign-key-file").with("LABEL", Fixtures.LABEL).with("KEY_ID", keyId)
                .with("PASS_ID", passId).with("TAG", tag).with("VM_ID", vmId);
    }

    static List<Path> rpms(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".rpm")).sorted().toList();
        }
    }

    @Test
    void signsExactlyTheReleaseWithTheCredentialsKeyAndRecordsEverySignature(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        FileCredentialsImpl keyFile = Fixtures.keyFile("rpm-gpg-key", armoredSecret);
        Fixtures.addCredentials(j, keyFile, Fixtures.secretText("rpm-gpg-pass", PASS));
        WorkflowJob p = Fixtures.job(j, "sign", keyFile("rpm-gpg-key", "rpm-gpg-pass", "v1.14.1", Fixtures.VM_ID));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.presetRelease(ws, "rpm-release-out", tmp, "v1.14.1");

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("signed=2 ephemeral=false", b);
        j.assertLogContains("nevra=[avalanchego-1.14.1-1.x86_64, subnet-evm-1.14.1-1.x86_64]", b);
        j.assertLogContains("Running on " + agent.getNodeName(), b);

        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        Path publicKey = out.resolve("RPM-GPG-KEY-avalanchego");
        assertThat(Files.readString(publicKey)).contains("BEGIN PGP PUBLIC KEY BLOCK").doesNotContain("PRIVATE");
        Path db = RpmFixtures.dbWithKey(tmp, publicKey);
        for (Path rpm : rpms(out)) {
            assertThat(RpmFixtures.enforce(db, rpm).exit()).as("rpmkeys --checksig with enforcement").isZero();
            assertThat(RpmFixtures.verbose(db, rpm).all()).containsPattern(RpmFixtures.RSA_SHA256_OK);
        }

        // the build records each signature: NEVRA, SHA-256 of the signed header, key ID, build URL
        RpmSignaturesAction record = b.getAction(RpmSignaturesAction.class);
        assertThat(record).isNotNull();
        List<RpmSignaturesAction.Signature> made = record.getSignatures();
        assertThat(made).extracting(RpmSignaturesAction.Signature::getSubject)
                .containsExactly("avalanchego-1.14.1-1.x86_64", "subnet-evm-1.14.1-1.x86_64");
        List<String> headerSha256 = new ArrayList<>();
        for (Path rpm : rpms(out)) {
            headerSha256.add(Digests.sha256Hex(RpmReader.read(rpm).headerBytes()));
        }
        assertThat(made).extracting(RpmSignaturesAction.Signature::getSha256).containsExactlyElementsOf(headerSha256);
        assertThat(made).allSatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("header");
            assertThat(s.getBuildUrl()).endsWith(b.getUrl());
            assertThat(s.isEphemeral()).isFalse();
        });
        // the key that signed, as the step reported it
        j.assertLogContains("fingerprint=" + made.get(0).getFingerprint() + " keyId=" + made.get(0).getKeyId(), b);
        assertThat(b.isKeepLog()).as("a build that signed with the release key is kept forever").isTrue();
        // an auditor lists them through the REST API and sees them on the build page
        String json = j.createWebClient().goTo(b.getUrl() + "api/json?tree=actions[signatures[subject,sha256,keyId,buildUrl]]",
                "application/json").getWebResponse().getContentAsString();
        assertThat(json).contains("avalanchego-1.14.1-1.x86_64").contains(headerSha256.get(0)).contains(made.get(0).getKeyId());
        assertThat(j.createWebClient().getPage(b).asNormalizedText()).containsPattern("Signatures made by the controller:\\s*2");
        assertThat(j.createWebClient().goTo(b.getUrl() + "rpm-signatures/").asNormalizedText())
                .contains("subnet-evm-1.14.1-1.x86_64").contains(headerSha256.get(1));

        SecretScan scan = new SecretScan(PASS, armoredSecret, Files.readString(publicKey));
        scan.assertClean("build log", JenkinsRule.getLog(b));
        j.assertLogNotContains(PASS, b);
        j.assertLogNotContains("PRIVATE KEY", b);
        scan.assertTreeClean(Path.of(ws.getRemote()));
        scan.assertTreeClean(Path.of(agent.getRemoteFS()));
        scan.assertClean("build.xml", Files.readString(b.getRootDir().toPath().resolve("build.xml")));

        Fingerprint used = CredentialsProvider.getFingerprintOf(keyFile);
        assertThat(used).as("the key credential is tracked as used by the build").isNotNull();
        assertThat(used.getJobs()).contains(p.getFullName());
    }

    @Test
    void refusesHeadersThatAreNotThisBuildsReleaseAndSignsNothing(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("rpm-gpg-pass", PASS));

        // the agent's packages are v1.14.1; the build releases v1.14.2
        WorkflowJob other = Fixtures.job(j, "other-tag", keyFile("rpm-gpg-key", "rpm-gpg-pass", "v1.14.2", Fixtures.VM_ID));
        List<Path> packages = Fixtures.presetRelease(Fixtures.workspace(agent, other), "rpm-release-out", tmp.resolve("a"),
                "v1.14.1");
        byte[] before = Files.readAllBytes(packages.get(0));
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, other.scheduleBuild2(0));
        j.assertLogContains("rpmSign: refusing to sign: avalanchego-v1.14.1-x86_64.rpm: version is '1.14.1', this build "
                + "may sign only 1.14.2", b);
        assertThat(Files.readAllBytes(packages.get(0))).isEqualTo(before);
        assertThat(b.getAction(RpmSignaturesAction.class)).isNull();
        assertThat(b.isKeepLog()).isFalse();

        // the plugin is installed under another VM ID than the one the build read
        String otherVmId = "mgj786NP7uDwBCcq6YwThhaN8FLyybkCa4zBWTQbNgmK6k9A6";
        WorkflowJob vm = Fixtures.job(j, "other-vm", keyFile("rpm-gpg-key", "rpm-gpg-pass", "v1.14.1", otherVmId));
        Fixtures.presetRelease(Fixtures.workspace(agent, vm), "rpm-release-out", tmp.resolve("b"), "v1.14.1");
        WorkflowRun c = j.assertBuildStatus(Result.FAILURE, vm.scheduleBuild2(0));
        j.assertLogContains("/var/opt/avalanchego/plugins/" + Fixtures.VM_ID + " is not a file of subnet-evm", c);
        assertThat(c.getAction(RpmSignaturesAction.class)).isNull();

        // a release key without tag and arch is refused before the agent is asked for anything
        WorkflowJob none = Fixtures.job(j, "no-approval", Pipeline.load("sign-key-file-without-approval")
                .with("LABEL", Fixtures.LABEL));
        j.assertLogContains("signs only what this build may release: give tag and arch",
                j.assertBuildStatus(Result.FAILURE, none.scheduleBuild2(0)));
    }

    /** Sets CHANGE_ID for jobs named pr-*, as branch-api's contributor does for the jobs of change requests. */
    @TestExtension("aPullRequestBuildMayUseOnlyAnEphemeralKey")
    public static final class ChangeRequestJobs extends EnvironmentContributor {
        @Override
        @SuppressWarnings("rawtypes")   // the signature EnvironmentContributor declares
        public void buildEnvironmentFor(@NonNull Job j, @NonNull EnvVars envs, @NonNull TaskListener listener) {
            if (j.getName().startsWith("pr-")) {
                envs.put("CHANGE_ID", "42");
            }
        }
    }

    @Test
    void aPullRequestBuildMayUseOnlyAnEphemeralKey(JenkinsRule j, @TempDir Path tmp) throws Exception {
        // the controller reads CHANGE_ID from the run's own environment, which a script's withEnv does not change
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("rpm-gpg-pass", PASS));
        WorkflowJob p = Fixtures.job(j, "pr-release-key", keyFile("rpm-gpg-key", "rpm-gpg-pass", "v1.14.1", Fixtures.VM_ID));
        List<Path> packages = Fixtures.presetRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp, "v1.14.1");
        byte[] before = Files.readAllBytes(packages.get(0));
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmSign: this is a pull-request build (CHANGE_ID=42): only key: ephemeral() may sign here", b);
        assertThat(Files.readAllBytes(packages.get(0))).isEqualTo(before);

        WorkflowJob q = Fixtures.job(j, "pr-ephemeral", Pipeline.load("sign-ephemeral").with("LABEL", Fixtures.LABEL)
                .with("DIR", "rpm-release-out"));
        Fixtures.presetRelease(Fixtures.workspace(agent, q), "rpm-release-out", tmp.resolve("q"), "v1.14.1");
        j.assertLogContains("ephemeral=true signed=2", j.assertBuildStatusSuccess(q.scheduleBuild2(0)));
    }

    @Test
    void ephemeralKeyForPullRequests(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "pr", Pipeline.load("sign-ephemeral").with("LABEL", Fixtures.LABEL)
                .with("DIR", "rpm-release-out"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("ephemeral=true", b);
        j.assertLogContains("ephemeral key", b);
        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        Path rpm = rpms(out).get(0);
        Path db = RpmFixtures.dbWithKey(tmp, out.resolve("RPM-GPG-KEY-avalanchego"));
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
        // recorded too, marked ephemeral; a build that signed only with throw-away keys is not kept forever
        RpmSignaturesAction record = b.getAction(RpmSignaturesAction.class);
        assertThat(record.getSignatures()).singleElement().satisfies(s -> {
            assertThat(s.isEphemeral()).isTrue();
            assertThat(s.getSubject()).isEqualTo("avalanchego-1.14.1-1.x86_64");
        });
        assertThat(b.isKeepLog()).isFalse();
    }

    @Test
    void releaseRefusesAnEphemeralKeyByRpmCoresKeyRules(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "release-ephemeral", Pipeline.load("sign-release-ephemeral")
                .with("LABEL", Fixtures.LABEL));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);
        Path rpm = rpms(Path.of(ws.child("rpm-release-out").getRemote())).get(0);
        byte[] before = Files.readAllBytes(rpm);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        // rpm-core's KeyChoice decides (sign --release refuses --ephemeral); the step names the pipeline's options
        j.assertLogContains("rpmSign: refused by rpm-core's key rules: --release refuses --ephemeral", b);
        j.assertLogContains("release: true", b);
        j.assertLogNotContains("Running on", b);   // before any agent work
        assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
    }

    @Test
    void aKeyFileHoldingAnotherKeyIsNeverOverwrittenAndNothingIsSigned(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        // rpm-core's half two (PackageSigning.apply) checks the key file before it writes any signature
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob first = Fixtures.job(j, "first", Pipeline.load("sign-ephemeral").with("LABEL", Fixtures.LABEL)
                .with("DIR", "rpm-release-out"));
        FilePath ws = Fixtures.workspace(agent, first);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);
        j.assertBuildStatusSuccess(first.scheduleBuild2(0));
        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        byte[] key = Files.readAllBytes(out.resolve("RPM-GPG-KEY-avalanchego"));
        byte[] signed = Files.readAllBytes(rpms(out).get(0));

        // another ephemeral key, the same directory: refused, the packages and the key file stay as they were
        WorkflowRun again = j.assertBuildStatus(Result.FAILURE, first.scheduleBuild2(0));
        j.assertLogContains("RPM-GPG-KEY-avalanchego: refusing to write the public key over it: it holds key(s)", again);
        assertThat(Files.readAllBytes(out.resolve("RPM-GPG-KEY-avalanchego"))).isEqualTo(key);
        assertThat(Files.readAllBytes(rpms(out).get(0))).isEqualTo(signed);
    }

    @Test
    void wrongPassphraseFailsWithoutPrintingIt(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        String wrong = "definitely-not-the-passphrase-7";
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("bad-pass", wrong));
        WorkflowJob p = Fixtures.job(j, "wrong-pass", keyFile("rpm-gpg-key", "bad-pass", "v1.14.1", Fixtures.VM_ID));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("credential 'rpm-gpg-key'", b);
        j.assertLogNotContains(wrong, b);
        j.assertLogNotContains(PASS, b);
        new SecretScan(PASS, armoredSecret).assertClean("build log", JenkinsRule.getLog(b));
    }

    @Test
    void missingCredentialsAndEmptyDirectoriesAreUserErrors(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "missing", keyFile("nope", "", "v1.14.1", Fixtures.VM_ID));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        j.assertLogContains("no File credential with ID \"nope\"", j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0)));

        WorkflowJob q = Fixtures.job(j, "empty", Pipeline.load("sign-ephemeral").with("LABEL", Fixtures.LABEL)
                .with("DIR", "nothing"));
        j.assertLogContains("is not a directory", j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0)));

        WorkflowJob r = Fixtures.job(j, "nokey", Pipeline.load("sign-no-key").with("LABEL", Fixtures.LABEL));
        // rpm-core's KeyChoice: signing needs a key
        j.assertLogContains("rpmSign: refused by rpm-core's key rules: give a signing key",
                j.assertBuildStatus(Result.FAILURE, r.scheduleBuild2(0)));
    }
}
