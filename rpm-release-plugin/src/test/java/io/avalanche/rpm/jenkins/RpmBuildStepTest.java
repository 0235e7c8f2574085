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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rpmBuild on a labelled agent: commands through the Launcher, packaging on the agent, rpm as the oracle. */
@WithJenkins
class RpmBuildStepTest {

    @Test
    void buildsAndPackagesOnTheAgent(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "build", "node('" + Fixtures.LABEL + "') {\n"
                + "  def r = rpmBuild(tag: 'v1.14.1-rc.2', compression: 'gzip')\n"
                + "  echo \"tag=${r.tag} arch=${r.arch} commit=${r.commit} files=${r.files.size()} vmId=${r.vmId}\"\n"
                + "}\n");
        FilePath ws = Fixtures.workspace(agent, p);
        String commit = Fixtures.sourceTree(ws, tmp, 0);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("tag=v1.14.1-rc.2 arch=" + RpmCore.hostArch() + " commit=" + commit + " files=2 vmId="
                + Fixtures.VM_ID, b);
        j.assertLogContains("scripts/build.sh", b);

        Path ws0 = Path.of(ws.getRemote());
        assertThat(Files.readString(ws0.resolve("build/source-date-epoch"))).as("SOURCE_DATE_EPOCH reached the command")
                .isEqualTo("1700000000");
        Path out = ws0.resolve("rpm-release-out");
        for (String name : List.of("avalanchego", "subnet-evm")) {
            Path rpm = out.resolve(name + "-v1.14.1-rc.2-" + RpmCore.hostArch() + ".rpm");
            assertThat(rpm).exists();
            assertThat(Cmd.run(List.of("rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}", rpm.toString()),
                    null, Map.of()).ok().output()).contains(name + " 1.14.1~rc.2 1 " + RpmCore.hostArch());
        }
        assertThat(out.resolve("release.json")).exists();
    }

    @Test
    void aFailingBuildCommandFailsTheStepWithItsExitCode(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "fail", "node('" + Fixtures.LABEL + "') { rpmBuild(tag: 'v1.14.1') }");
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 3);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("build command failed with exit code 3: scripts/build.sh", b);
        assertThat(Path.of(Fixtures.workspace(agent, p).getRemote(), "rpm-release-out")).doesNotExist();
    }

    @Test
    void invalidTagsAndPresetsAreRefusedBeforeBuilding(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "bad-tag", "node('" + Fixtures.LABEL + "') { rpmBuild(tag: 'v1.2.3;rm -rf /') }");
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 0);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("invalid tag", b);
        j.assertLogNotContains("scripts/build.sh", b);

        WorkflowJob q = Fixtures.job(j, "bad-preset", "node('" + Fixtures.LABEL + "') { rpmBuild(tag: 'v1.2.3', preset: 'geth') }");
        j.assertLogContains("unknown preset \"geth\"", j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0)));
    }

    @Test
    void notASourceTreeIsAUserError(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "empty", "node('" + Fixtures.LABEL + "') { rpmBuild(tag: 'v1.14.1') }");
        Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("is not an avalanchego source tree", b);
    }

    @Test
    void builderImageComesFromGoMod(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "image", "node('" + Fixtures.LABEL + "') {\n"
                + "  def i = rpmBuilderImage(arch: 'aarch64')\n"
                + "  echo \"tag=${i.tag} go=${i.goVersion} args=${i.buildArgs}\"\n"
                + "}\n");
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("tag=rpm-release-builder:go1.23.4-arm64 go=1.23.4 "
                + "args=[--build-arg, GO_VERSION=1.23.4, --build-arg, TARGETARCH=arm64]", b);
    }
}
