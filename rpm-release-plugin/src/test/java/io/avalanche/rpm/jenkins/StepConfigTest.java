package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Descriptor;
import hudson.model.Result;
import hudson.util.ListBoxModel;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.MissingContextVariableException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Descriptors, configuration round trips, credentials dropdowns and the node requirement of every step. */
@WithJenkins
class StepConfigTest {

    @Test
    void everyStepIsRegisteredUnderItsFunctionName(JenkinsRule j) {
        for (String name : List.of("rpmBuild", "rpmSign", "rpmPublish", "rpmValidate", "rpmBuilderImage", "rpmPlan",
                "rpmPrune", "rpmYank", "rpmUnyank")) {
            StepDescriptor d = StepDescriptor.byFunctionName(name);
            assertThat(d).as(name).isNotNull();
            assertThat(d.getDisplayName()).as(name).contains("rpm-release");
        }
    }

    @Test
    void rpmBuildRoundTrips(JenkinsRule j) throws Exception {
        RpmBuildStep s = new RpmBuildStep();
        s.setTag("v1.14.1-rc.2");
        s.setArch("aarch64");
        s.setSource("src");
        s.setOut("out");
        s.setCompression("xz:6");
        s.setWithService(true);
        s.setRelease("2");
        roundTrip(j, s);
        RpmBuildStep pr = new RpmBuildStep();
        pr.setPullRequest(true);
        roundTrip(j, pr);
    }

    @Test
    void rpmSignRoundTripsEveryKindOfKey(JenkinsRule j) throws Exception {
        Fixtures.addCredentials(j, Fixtures.keyFile("gpg-key", "not a key"), Fixtures.secretText("gpg-pass", "x"));
        RpmSignStep s = new RpmSignStep();
        KeyFileSource key = new KeyFileSource("gpg-key");
        key.setPassphraseCredentialsId("gpg-pass");
        s.setKey(key);
        s.setRelease(true);
        s.setTag("v1.14.1");
        s.setArch("x86_64");
        s.setVmId(Fixtures.VM_ID);
        s.setDir("out/x86_64");
        roundTrip(j, s);
        RpmSignStep e = new RpmSignStep();
        e.setKey(new EphemeralSource());
        roundTrip(j, e);
        RpmSignStep t = new RpmSignStep();
        t.setKey(new Pkcs11Source("/usr/lib/softhsm/libsofthsm2.so", "release", "rpm-2026", "gpg-pass", "gpg-key"));
        t.setRelease(true);
        t.setTag("v1.14.1");
        t.setArch("aarch64");
        roundTrip(j, t);
    }

    @Test
    void rpmPublishRoundTrips(JenkinsRule j) throws Exception {
        RpmPublishStep s = new RpmPublishStep("avalanchego-rpms");
        s.setPrefix("staging");
        s.setForce(true);
        s.setDir("out/aarch64");
        s.setKey(new EphemeralSource());
        s.setLayout("el9");
        roundTrip(j, s);
        // rpm-core's canonical destination of bucket and prefix, never a string the plugin builds
        assertThat(s.destination()).isEqualTo("s3://avalanchego-rpms/staging");
        assertThat(new RpmPublishStep("b").destination()).isEqualTo("s3://b");

        Fixtures.addCredentials(j, Fixtures.keyFile("gpg-key", "not a key"), Fixtures.secretText("gpg-pass", "x"));
        RpmPublishStep signed = new RpmPublishStep("avalanchego-rpms");
        KeyFileSource key = new KeyFileSource("gpg-key");
        key.setPassphraseCredentialsId("gpg-pass");
        signed.setKey(key);
        roundTrip(j, signed);
    }

    @Test
    void invalidKeyConfigurationsCannotBeMade() {
        assertThatThrownBy(() -> new KeyFileSource(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyFile: credentialsId is required");
        assertThatThrownBy(() -> new Pkcs11Source("/m.so", "t", "", "pin", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing: key, certificateId");
    }

    @Test
    void rpmPlanRoundTripsAndAnswersWithoutANode(JenkinsRule j) throws Exception {
        RpmPlanStep s = new RpmPlanStep();
        s.setTag("v1.14.1");
        s.setArchs("x86_64,aarch64");
        s.setLayout("el9");
        roundTrip(j, s);
        WorkflowJob p = Fixtures.job(j, "plan", Pipeline.load("plan").with("TAG", "v1.15.0-fuji-rc.4")
                .with("PULL_REQUEST", false).with("ARCHS", ""));
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("tag=v1.15.0-fuji-rc.4 archs=[x86_64, aarch64] compression=zstd:19 publish=true "
                + "stages=[build, sign, validate, publish, validate-published]", b);
        j.assertLogNotContains("[Pipeline] node", b);
        WorkflowJob pr = Fixtures.job(j, "plan-pr", Pipeline.load("plan").with("TAG", "").with("PULL_REQUEST", true)
                .with("ARCHS", "arm64"));
        j.assertLogContains("tag=null archs=[aarch64] compression=zstd:3 publish=false stages=[build, sign, validate]",
                j.assertBuildStatusSuccess(pr.scheduleBuild2(0)));
        WorkflowJob bad = Fixtures.job(j, "plan-bad", Pipeline.load("plan").with("TAG", "latest")
                .with("PULL_REQUEST", false).with("ARCHS", ""));
        j.assertLogContains("rpmPlan: invalid tag 'latest'", j.assertBuildStatus(Result.FAILURE, bad.scheduleBuild2(0)));
    }

    /** rpmRelease asks rpmPlan to check a respin's number (rpm-core's rule) before any node. */
    @Test
    void rpmPlanChecksARespinAgainstTheTag(JenkinsRule j) throws Exception {
        RpmPlanStep s = new RpmPlanStep();
        s.setTag("v1.14.1");
        s.setRespin("2");
        assertThat(s.plan()).containsEntry("tag", "v1.14.1").doesNotContainKey("respin");
        for (String bad : List.of("two", "0", "-1", "1.5")) {
            RpmPlanStep b = new RpmPlanStep();
            b.setTag("v1.14.1");
            b.setRespin(bad);
            assertThatThrownBy(b::plan).as(bad).isInstanceOf(AbortException.class)
                    .hasMessageContaining("rpmPlan: respin: '" + bad + "': release is the RPM Release N of a respin");
        }
        RpmPlanStep pr = new RpmPlanStep();
        pr.setPullRequest(true);
        pr.setRespin("2");
        assertThatThrownBy(pr::plan).isInstanceOf(AbortException.class).hasMessageContaining("not for pull requests");
        RpmPlanStep none = new RpmPlanStep();
        none.setTag("v1.14.1");
        none.setRespin(" ");
        assertThat(none.getRespin()).isNull();
        roundTrip(j, s);
    }

    @Test
    void rpmValidateRoundTrips(JenkinsRule j) throws Exception {
        RpmValidateStep s = new RpmValidateStep("s3://avalanchego-rpms");
        s.setImage("rockylinux:9.4");
        s.setCommit("0123456789abcdef0123456789abcdef01234567");
        s.setTag("v1.14.1");
        s.setArch("x86_64");
        s.setJunit("validate.xml");
        s.setWithService(true);
        s.setRelease("2");
        s.setLayout("el9");
        roundTrip(j, s);

        Fixtures.addCredentials(j, Fixtures.keyFile("gpg-key", "not a key"), Fixtures.secretText("gpg-pass", "x"));
        RpmValidateStep pinned = new RpmValidateStep("s3://avalanchego-rpms");
        KeyFileSource key = new KeyFileSource("gpg-key");
        key.setPassphraseCredentialsId("gpg-pass");
        pinned.setKey(key);
        roundTrip(j, pinned);
        RpmValidateStep file = new RpmValidateStep("file:/srv/bucket");
        file.setPublicKey("keys/RPM-GPG-KEY-avalanchego");
        roundTrip(j, file);
        RpmValidateStep trusting = new RpmValidateStep("s3://avalanchego-rpms");
        trusting.setTrustPublishedKey(true);
        roundTrip(j, trusting);
    }

    @Test
    void rpmValidateTakesOnlyAnImageDockerReadsAsAnImage(JenkinsRule j) {
        RpmValidateStep.DescriptorImpl d = j.jenkins.getDescriptorByType(RpmValidateStep.DescriptorImpl.class);
        assertThat(d.doCheckImage("rockylinux:9").kind).isEqualTo(hudson.util.FormValidation.Kind.OK);
        assertThat(d.doCheckImage("localhost/rpm-release-target:latest-{arch}").kind)
                .isEqualTo(hudson.util.FormValidation.Kind.OK);
        assertThat(d.doCheckImage("").kind).isEqualTo(hudson.util.FormValidation.Kind.OK);   // the default image
        assertThat(d.doCheckImage("--privileged").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
        RpmValidateStep s = new RpmValidateStep("rpm-release-out/x86_64");
        s.setTag("v1.14.1");
        s.setCommit("0123456789abcdef0123456789abcdef01234567");
        s.setImage("--privileged");
        assertThatThrownBy(s::check).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("rpmValidate: image '--privileged' is not a container image reference");
    }

    @Test
    void lifecycleStepsRoundTrip(JenkinsRule j) throws Exception {
        Fixtures.addCredentials(j, Fixtures.keyFile("gpg-key", "not a key"), Fixtures.secretText("gpg-pass", "x"));
        KeyFileSource key = new KeyFileSource("gpg-key");
        key.setPassphraseCredentialsId("gpg-pass");
        RpmPruneStep prune = new RpmPruneStep("s3://avalanchego-rpms/staging", 5);
        prune.setChannels("testing,fuji");
        prune.setApply(true);
        prune.setLayout("el9");
        prune.setKey(key);
        roundTrip(j, prune);
        roundTrip(j, new RpmPruneStep("file:/srv/bucket", 0));
        RpmYankStep yank = new RpmYankStep("s3://avalanchego-rpms", "v1.14.1");
        yank.setReason("corrupts the database on upgrade, use v1.14.2");
        yank.setRelease("1");
        yank.setDryRun(true);
        yank.setKey(key);
        roundTrip(j, yank);
        RpmUnyankStep unyank = new RpmUnyankStep("s3://avalanchego-rpms", "v1.14.1");
        unyank.setRelease("2");
        unyank.setDryRun(true);
        unyank.setLayout("seed");
        unyank.setKey(key);
        roundTrip(j, unyank);
    }

    /** Every field of the new steps has its help page, served as the snippet generator asks for it. */
    @ParameterizedTest
    @ValueSource(strings = {"rpmPrune:to,keep,channels,apply,layout,key", "rpmYank:to,tag,reason,release,dryRun,layout,key",
        "rpmUnyank:to,tag,release,dryRun,layout,key", "rpmValidate:key,publicKey,trustPublishedKey,release,layout",
        "rpmPublish:layout", "rpmBuild:release", "rpmPlan:layout"})
    void everyNewFieldHasHelp(String stepAndFields, JenkinsRule j) throws Exception {
        String[] parts = stepAndFields.split(":");
        StepDescriptor d = StepDescriptor.byFunctionName(parts[0]);
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            String page = wc.goTo("descriptor/" + d.getId() + "/help", "text/html").getWebResponse()
                    .getContentAsString();
            assertThat(page).as(parts[0] + " help").contains(parts[0]);
            for (String field : parts[1].split(",")) {
                String help = wc.goTo("descriptor/" + d.getId() + "/help/" + field, "text/html").getWebResponse()
                        .getContentAsString();
                assertThat(help).as(parts[0] + "." + field).contains("<div");
            }
        }
    }

    @Test
    void theLayoutChoicesAreRpmCoresAndBadValuesAreRefused(JenkinsRule j) {
        RpmPruneStep.DescriptorImpl d = j.jenkins.getDescriptorByType(RpmPruneStep.DescriptorImpl.class);
        assertThat(values(d.doFillLayoutItems())).containsExactly("seed", "el9");
        assertThat(d.doCheckTo("file:/srv/bucket").kind).isEqualTo(hudson.util.FormValidation.Kind.OK);
        assertThat(d.doCheckTo("s3://Not_A_Bucket").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
        assertThat(d.doCheckTo("").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
        assertThat(d.doCheckChannels("testing, fuji").kind).isEqualTo(hudson.util.FormValidation.Kind.OK);
        assertThat(d.doCheckChannels("nightly").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
    }

    @Test
    void rpmBuilderImageRoundTrips(JenkinsRule j) throws Exception {
        RpmBuilderImageStep s = new RpmBuilderImageStep();
        s.setArch("aarch64");
        s.setGoMod("src/go.mod");
        roundTrip(j, s);
    }

    @Test
    void credentialsDropdownsOfferTheMatchingTypes(JenkinsRule j) throws Exception {
        Fixtures.addCredentials(j, Fixtures.keyFile("gpg-key", "not a key"), Fixtures.secretText("gpg-pass", "x"),
                Fixtures.awsKeys("aws", "AKIA", "secret"));
        KeyFileSource.DescriptorImpl d = j.jenkins.getDescriptorByType(KeyFileSource.DescriptorImpl.class);
        assertThat(values(d.doFillCredentialsIdItems(null, ""))).contains("", "gpg-key").doesNotContain("gpg-pass", "aws");
        assertThat(values(d.doFillPassphraseCredentialsIdItems(null, ""))).contains("", "gpg-pass")
                .doesNotContain("gpg-key", "aws");
        assertThat(values(d.doFillCredentialsIdItems(null, "gone"))).contains("gone");
        Pkcs11Source.DescriptorImpl t = j.jenkins.getDescriptorByType(Pkcs11Source.DescriptorImpl.class);
        assertThat(values(t.doFillPinCredentialsIdItems(null, ""))).contains("gpg-pass").doesNotContain("gpg-key");
        assertThat(values(t.doFillCertificateIdItems(null, ""))).contains("gpg-key").doesNotContain("gpg-pass");
        // the step forms offer the three kinds of keys
        List<String> kinds = new ArrayList<>();
        for (Descriptor<SigningKeySource> kind
                : j.jenkins.<SigningKeySource, Descriptor<SigningKeySource>>getDescriptorList(SigningKeySource.class)) {
            kinds.add(kind.clazz.getSimpleName());
        }
        assertThat(kinds).containsExactlyInAnyOrder("KeyFileSource", "Pkcs11Source", "EphemeralSource");
    }

    @Test
    void tagFieldIsChecked(JenkinsRule j) {
        RpmBuildStep.DescriptorImpl d = j.jenkins.getDescriptorByType(RpmBuildStep.DescriptorImpl.class);
        assertThat(d.doCheckTag("v1.14.1").kind).isEqualTo(hudson.util.FormValidation.Kind.OK);
        assertThat(d.doCheckTag("latest").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
        assertThat(d.doCheckTag("").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
    }

    /**
     * Outside node every step fails naming ONE missing context class; which one depends on the iteration order of
     * getRequiredContext() (Set.of: differs per JVM run), so the test asserts only what is guaranteed: the named class
     * is one the step requires and node provides, and the hint names the step and node.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rpmBuild", "rpmSign", "rpmPublish", "rpmValidate", "rpmBuilderImage"})
    void everyStepFailsOutsideNode(String function, JenkinsRule j) throws Exception {
        WorkflowJob p = Fixtures.job(j, "outside-node", Pipeline.load("outside-node-" + function));
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        assertNamesAMissingNodeContext(JenkinsRule.getLog(b), function);
    }

    static final Pattern MISSING = Pattern.compile("Required context class ([\\w.$]+) is missing\\R"
            + "Perhaps you forgot to surround the (\\w+) step with a step that provides this, such as: ([^\\r\\n]+)");

    private static void assertNamesAMissingNodeContext(String log, String function) {
        Matcher m = MISSING.matcher(log);
        assertThat(m.find()).as("log names a missing context class: " + log).isTrue();
        Set<String> required = StepDescriptor.byFunctionName(function).getRequiredContext().stream()
                .map(Class::getName).collect(Collectors.toSet());
        assertThat(m.group(1)).isIn(required).isIn(FilePath.class.getName(), Launcher.class.getName());
        assertThat(m.group(2)).isEqualTo(function);
        assertThat(m.group(3).split(", ")).contains("node");
    }

    /** The assertion above accepts the message for every class node provides, i.e. for every iteration order. */
    @Test
    void theOutsideNodeAssertionHoldsWhicheverClassIsReportedFirst(JenkinsRule j) {
        for (String function : List.of("rpmBuild", "rpmSign", "rpmPublish", "rpmValidate", "rpmBuilderImage")) {
            StepDescriptor d = StepDescriptor.byFunctionName(function);
            for (Class<?> c : d.getRequiredContext()) {
                if (c == FilePath.class || c == Launcher.class) {
                    assertNamesAMissingNodeContext(new MissingContextVariableException(c, d).getMessage(), function);
                }
            }
        }
    }

    @Test
    void aSigningKeyCannotBeSerialized() {
        RpmCoreKeys.Key key = RpmCoreKeys.ephemeralKey();
        assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(key))
                .isInstanceOf(NotSerializableException.class);
    }

    private static <S extends Step> void roundTrip(JenkinsRule j, S before) throws Exception {
        S after = new StepConfigTester(j).configRoundTrip(before);
        j.assertEqualDataBoundBeans(before, after);
    }

    private static List<String> values(ListBoxModel m) {
        return m.stream().map(o -> o.value).toList();
    }
}
