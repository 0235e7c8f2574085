package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.FilePath;
import hudson.model.Fingerprint;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.sign.GpgHome;
import io.avalanche.rpm.sign.RpmFixtures;
import io.avalanche.rpm.sign.SecretScan;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** rpmSign on a labelled agent: real gpg keys from credentials, rpm/rpmkeys as oracles, no secret in the log. */
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

    @Test
    void signsWithFileAndPassphraseCredentialsOnTheAgent(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        FileCredentialsImpl keyFile = Fixtures.keyFile("rpm-gpg-key", armoredSecret);
        Fixtures.addCredentials(j, keyFile, Fixtures.secretText("rpm-gpg-pass", PASS));
        WorkflowJob p = Fixtures.job(j, "sign", "node('" + Fixtures.LABEL + "') {\n"
                + "  def r = rpmSign(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass', release: true)\n"
                + "  echo \"signed=${r.files.size()} ephemeral=${r.ephemeral} fingerprint=${r.fingerprint}\"\n"
                + "}\n");
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("signed=1 ephemeral=false", b);
        j.assertLogContains("Running on " + agent.getNodeName(), b);

        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        Path rpm = Files.list(out).filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow();
        Path publicKey = out.resolve("RPM-GPG-KEY-avalanchego");
        assertThat(Files.readString(publicKey)).contains("BEGIN PGP PUBLIC KEY BLOCK").doesNotContain("PRIVATE");
        Path db = RpmFixtures.dbWithKey(tmp, publicKey);
        assertThat(RpmFixtures.enforce(db, rpm).exit()).as("rpmkeys --checksig with enforcement").isZero();
        assertThat(RpmFixtures.verbose(db, rpm).all()).containsPattern(RpmFixtures.RSA_SHA256_OK);

        SecretScan scan = new SecretScan(PASS, armoredSecret, Files.readString(publicKey));
        scan.assertClean("build log", JenkinsRule.getLog(b));
        j.assertLogNotContains(PASS, b);
        j.assertLogNotContains("PRIVATE KEY", b);
        scan.assertTreeClean(Path.of(ws.getRemote()));
        scan.assertTreeClean(Path.of(agent.getRemoteFS()));

        Fingerprint used = CredentialsProvider.getFingerprintOf(keyFile);
        assertThat(used).as("the key credential is tracked as used by the build").isNotNull();
        assertThat(used.getJobs()).contains(p.getFullName());
    }

    @Test
    void ephemeralKeyForPullRequests(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "pr", "node('" + Fixtures.LABEL + "') {\n"
                + "  def r = rpmSign(ephemeral: true)\n"
                + "  echo \"ephemeral=${r.ephemeral}\"\n"
                + "}\n");
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("ephemeral=true", b);
        j.assertLogContains("ephemeral key", b);
        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        Path rpm = Files.list(out).filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow();
        Path db = RpmFixtures.dbWithKey(tmp, out.resolve("RPM-GPG-KEY-avalanchego"));
        assertThat(RpmFixtures.enforce(db, rpm).exit()).isZero();
    }

    @Test
    void releaseRefusesAnEphemeralKey(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "release-ephemeral",
                "node('" + Fixtures.LABEL + "') { rpmSign(ephemeral: true, release: true) }");
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("release: true refuses an ephemeral key", b);
    }

    @Test
    void wrongPassphraseFailsWithoutPrintingIt(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        String wrong = "definitely-not-the-passphrase-7";
        Fixtures.addCredentials(j, Fixtures.keyFile("rpm-gpg-key", armoredSecret), Fixtures.secretText("bad-pass", wrong));
        WorkflowJob p = Fixtures.job(j, "wrong-pass", "node('" + Fixtures.LABEL + "') {\n"
                + "  rpmSign(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'bad-pass', release: true)\n}\n");
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
        WorkflowJob p = Fixtures.job(j, "missing", "node('" + Fixtures.LABEL + "') { rpmSign(credentialsId: 'nope') }");
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        j.assertLogContains("no File credential with ID \"nope\"", j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0)));

        WorkflowJob q = Fixtures.job(j, "empty", "node('" + Fixtures.LABEL + "') { rpmSign(ephemeral: true, dir: 'nothing') }");
        j.assertLogContains("is not a directory", j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0)));

        WorkflowJob r = Fixtures.job(j, "nokey", "node('" + Fixtures.LABEL + "') { rpmSign() }");
        j.assertLogContains("no key", j.assertBuildStatus(Result.FAILURE, r.scheduleBuild2(0)));
    }
}
