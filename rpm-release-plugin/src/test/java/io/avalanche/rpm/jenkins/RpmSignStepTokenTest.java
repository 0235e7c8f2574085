package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.sign.Pkcs11Token;
import io.avalanche.rpm.sign.RpmFixtures;
import io.avalanche.rpm.sign.SecretScan;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.TokenKeys;
import io.avalanche.rpm.testing.SoftHsm;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** rpmSign with the release key inside a SoftHSM2 token loaded on the controller; rpmkeys judges the result. */
@WithJenkins
class RpmSignStepTokenTest {
    static final String KEY = "jenkins-release";
    static String token;
    static String certificate;

    @BeforeAll
    static void keygen() throws Exception {
        token = SoftHsm.newToken();
        Pkcs11Token t = Pkcs11Token.open(SoftHsm.MODULE, token, SoftHsm.PIN.toCharArray(), true);
        try (SigningKey k = TokenKeys.generate(t, KEY, 2048, "Jenkins Token <token@example.com>", Duration.ofDays(365),
                Clock.systemUTC())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            k.exportPublicKey(out);
            certificate = out.toString(StandardCharsets.US_ASCII);
        }
    }

    @AfterEach
    void forbidModules() {
        System.clearProperty(Pkcs11Source.ALLOWED_MODULES);
    }

    static Pipeline step(String pinId) {
        return Pipeline.load("sign-pkcs11").with("LABEL", Fixtures.LABEL).with("MODULE", SoftHsm.MODULE)
                .with("TOKEN", token).with("KEY", KEY).with("PIN_ID", pinId);
    }

    @Test
    void signsOnTheControllerWithTheTokenKey(JenkinsRule j, @TempDir Path tmp) throws Exception {
        System.setProperty(Pkcs11Source.ALLOWED_MODULES, SoftHsm.MODULE.toString());
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.secretText("token-pin", SoftHsm.PIN),
                Fixtures.keyFile("token-cert", certificate));
        WorkflowJob p = Fixtures.job(j, "token", step("token-pin"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("signed=1 holder=PKCS#11 token '" + token + "' key '" + KEY + "'", b);
        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        Path rpm = Files.list(out).filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow();
        Path publicKey = out.resolve("RPM-GPG-KEY-avalanchego");
        assertThat(Files.readString(publicKey)).isEqualTo(certificate);
        Path db = RpmFixtures.dbWithKey(tmp, publicKey);
        assertThat(RpmFixtures.enforce(db, rpm).exit()).as("rpmkeys --checksig with enforcement").isZero();
        assertThat(RpmFixtures.verbose(db, rpm).all()).containsPattern(RpmFixtures.RSA_SHA256_OK);

        SecretScan scan = new SecretScan(SoftHsm.PIN, null);
        scan.assertClean("build log", JenkinsRule.getLog(b));
        scan.assertTreeClean(Path.of(agent.getRemoteFS()));
    }

    @Test
    void wrongPinAndForeignModulesFailWithoutTouchingThePackages(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        String wrong = "not-the-token-pin-97531";
        Fixtures.addCredentials(j, Fixtures.secretText("bad-pin", wrong), Fixtures.keyFile("token-cert", certificate));
        WorkflowJob p = Fixtures.job(j, "token-bad", step("bad-pin"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);
        Path out = Path.of(ws.child("rpm-release-out").getRemote());
        Path rpm = Files.list(out).filter(f -> f.toString().endsWith(".rpm")).findFirst().orElseThrow();
        byte[] before = Files.readAllBytes(rpm);

        WorkflowRun notAllowed = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("is not allowed on this controller", notAllowed);

        System.setProperty(Pkcs11Source.ALLOWED_MODULES, SoftHsm.MODULE.toString());
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmSign: PKCS#11 token '" + token + "': wrong PIN (CKR_PIN_INCORRECT)", b);
        j.assertLogNotContains(wrong, b);
        assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
        assertThat(out.resolve("RPM-GPG-KEY-avalanchego")).doesNotExist();

        // a token key without its certificate cannot be configured: refused before the step runs
        WorkflowJob incomplete = Fixtures.job(j, "token-incomplete", Pipeline.load("sign-pkcs11-incomplete")
                .with("LABEL", Fixtures.LABEL).with("MODULE", SoftHsm.MODULE));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, incomplete), "rpm-release-out", tmp.resolve("m"));
        WorkflowRun i = j.assertBuildStatus(Result.FAILURE, incomplete.scheduleBuild2(0));
        j.assertLogContains("pkcs11: every field is required; missing: certificateId", i);
        assertThat(Path.of(Fixtures.workspace(agent, incomplete).child("rpm-release-out/RPM-GPG-KEY-avalanchego")
                .getRemote())).doesNotExist();
    }
}
