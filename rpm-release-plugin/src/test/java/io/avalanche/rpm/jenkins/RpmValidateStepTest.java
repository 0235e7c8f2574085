package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.testing.Cmd;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rpmValidate on a labelled agent: build, sign (ephemeral), then install and smoke-test in a fresh container of the
 * target image with the agent's docker CLI. Needs docker (or podman's docker-compatible service via DOCKER_HOST)
 * and the image ({@code -DrpmRelease.validateImage}, default rockylinux:9); fails loudly without them.
 */
@WithJenkins
class RpmValidateStepTest {
    static final String IMAGE = System.getProperty("rpmRelease.validateImage", "rockylinux:9");

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
}
