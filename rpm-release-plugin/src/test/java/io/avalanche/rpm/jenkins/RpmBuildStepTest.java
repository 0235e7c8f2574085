package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import hudson.slaves.WorkspaceList;
import io.avalanche.rpm.testing.Cmd;
import jenkins.security.MasterToSlaveCallable;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rpmBuild on a labelled agent: the build runs as a durable sh (as the library runs it), rpmBuild only packages;
 * parameters are checked before any work; zstd loads from the workspace's @tmp; rpm is the oracle.
 */
@WithJenkins
class RpmBuildStepTest {

    private static String buildAndPackage(String rpmBuildArgs) {
        return "node('" + Fixtures.LABEL + "') {\n"
                + "  withEnv(['SOURCE_DATE_EPOCH=1700000000']) { sh '''" + Fixtures.BUILD_SCRIPT + "''' }\n"
                + "  def r = rpmBuild(" + rpmBuildArgs + ")\n"
                + "  echo \"tag=${r.tag} arch=${r.arch} commit=${r.commit} files=${r.files.size()} vmId=${r.vmId} "
                + "compression=${r.compression}\"\n"
                + "}\n";
    }

    private static String query(Path rpm, String format) throws IOException {
        return Cmd.run(List.of("rpm", "-qp", "--qf", format, rpm.toString()), null, Map.of()).ok().output();
    }

    /** The native libraries named zstd-jni that the agent JVM has mapped, as /proc/self/maps lists them. */
    static final class ZstdMappings extends MasterToSlaveCallable<List<String>, IOException> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<String> call() throws IOException {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("zstd-jni"))
                    .map(l -> l.substring(l.indexOf('/'))).distinct().toList();
        }
    }

    @Test
    void packagesWhatTheShBuildLeftWithZstdLoadedFromTheWorkspaceTmp(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "build", buildAndPackage("tag: 'v1.14.1-rc.2'"));
        FilePath ws = Fixtures.workspace(agent, p);
        String commit = Fixtures.sourceTree(ws, tmp, 0);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        String arch = RpmCore.hostArch();
        j.assertLogContains("tag=v1.14.1-rc.2 arch=" + arch + " commit=" + commit + " files=2 vmId=" + Fixtures.VM_ID
                + " compression=zstd:19", b);

        Path ws0 = Path.of(ws.getRemote());
        assertThat(Files.readString(ws0.resolve("build/source-date-epoch"))).as("SOURCE_DATE_EPOCH reached the sh build")
                .isEqualTo("1700000000");
        Path out = ws0.resolve("rpm-release-out");
        for (String name : List.of("avalanchego", "subnet-evm")) {
            Path rpm = out.resolve(name + "-v1.14.1-rc.2-" + arch + ".rpm");
            assertThat(query(rpm, "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{PAYLOADCOMPRESSOR} %{BUILDTIME}"))
                    .as("rpm reads it back").isEqualTo(name + " 1.14.1~rc.2 1 " + arch + " zstd 1700000000");
            assertThat(Cmd.run(List.of("sh", "-c", "rpm2cpio \"$1\" | cpio -t", "sh", rpm.toString()), null, Map.of())
                    .ok().output()).as("rpm2cpio decompresses the zstd payload").isNotBlank();
        }
        assertThat(out.resolve("release.json")).exists();

        // zstd-jni unpacked its library into the workspace's @tmp (not java.io.tmpdir) in the agent JVM
        String workspaceTmp = WorkspaceList.tempDir(ws).getRemote();
        List<String> mapped = agent.getChannel().call(new ZstdMappings());
        assertThat(mapped).isNotEmpty().allSatisfy(m -> assertThat(m).startsWith(workspaceTmp + "/"));
    }

    @Test
    void withoutZstdOnTheAgentTheDefaultFallsBackToXzAndAnExplicitZstdFails(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        // zstd-jni loads this path and nothing else when it is set: the load fails as on a musl or noexec agent
        DumbSlave agent = Fixtures.agentWith(j, "no-zstd", "-DZstdNativePath=" + tmp.resolve("missing/libzstd-jni.so"));
        WorkflowJob p = Fixtures.job(j, "fallback", buildAndPackage("tag: 'v1.14.1'"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("rpmBuild: WARNING: zstd-jni's native library did not load from", b);
        j.assertLogContains("packaging with xz instead of zstd", b);
        j.assertLogContains("compression=xz:", b);
        Path rpm = Path.of(ws.getRemote(), "rpm-release-out", "avalanchego-v1.14.1-" + RpmCore.hostArch() + ".rpm");
        assertThat(query(rpm, "%{PAYLOADCOMPRESSOR}")).isEqualTo("xz");

        WorkflowJob q = Fixtures.job(j, "explicit-zstd", buildAndPackage("tag: 'v1.14.1', compression: 'zstd:3'"));
        Fixtures.sourceTree(Fixtures.workspace(agent, q), tmp.resolve("q"), 0);
        WorkflowRun c = j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0));
        j.assertLogContains("rpmBuild: compression zstd:3 needs zstd-jni, which cannot run on this agent", c);
        assertThat(Path.of(Fixtures.workspace(agent, q).getRemote(), "rpm-release-out")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "tag: 'v1.2.3;rm -rf /'                 | invalid tag",
            "tag: 'v1.2.3', preset: 'geth'           | unknown preset \"geth\"",
            "tag: 'v1.2.3', arch: 's390x'            | rpmBuild: unknown architecture 's390x'",
            "tag: 'v1.2.3', compression: 'lz4'       | rpmBuild: unknown compression 'lz4'",
            "tag: 'v1.2.3', compression: 'zstd:42'   | rpmBuild: compression level 42 is outside 1..19"})
    void everyParameterIsCheckedBeforeAnyWork(String args, String message, JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        // no source tree and no build: a parameter error must come first, not "does not exist"
        WorkflowJob p = Fixtures.job(j, "bad-args", "node('" + Fixtures.LABEL + "') { rpmBuild(" + args + ") }");
        FilePath ws = Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains(message, b);
        j.assertLogNotContains("does not exist", b);
        j.assertLogNotContains("is not an avalanchego source tree", b);
        assertThat(ws.child("rpm-release-out").exists()).isFalse();
    }

    @Test
    void withoutTheBuildRpmBuildSaysWhatToRunFirst(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "not-built", "node('" + Fixtures.LABEL + "') { rpmBuild(tag: 'v1.14.1') }");
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmBuild: " + Path.of(ws.getRemote(), "build/avalanchego") + " does not exist: run the build first", b);
        j.assertLogContains("graft/subnet-evm/scripts/build.sh", b);
        assertThat(ws.child("rpm-release-out").exists()).isFalse();
    }

    @Test
    void aFailingShBuildFailsTheBuildBeforePackaging(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "fail", buildAndPackage("tag: 'v1.14.1'"));
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 3);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("script returned exit code 3", b);
        j.assertLogNotContains("rpmBuild: packaged", b);
        assertThat(Path.of(Fixtures.workspace(agent, p).getRemote(), "rpm-release-out")).doesNotExist();
    }

    @Test
    void aTagThatIsNotAtTheCheckedOutCommitIsRefusedBeforePackaging(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "wrong-tag", buildAndPackage("tag: 'v1.14.2'"));
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 0);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("tag v1.14.2 does not exist in the repository", b);
        j.assertLogNotContains("rpmBuild: packaged", b);
        assertThat(Path.of(Fixtures.workspace(agent, p).getRemote(), "rpm-release-out")).doesNotExist();
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
    void anArchErrorNamesTheStepThatRaisedIt(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agentWith(j, "s390x", "-Dos.arch=s390x");
        WorkflowJob p = Fixtures.job(j, "arch", "node('" + Fixtures.LABEL + "') {\n"
                + "  rpmValidate(from: 'out', commit: '0123456789abcdef0123456789abcdef01234567', tag: 'v1.14.1')\n}\n");
        Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmValidate: unknown architecture 's390x'", b);
        j.assertLogNotContains("rpmBuild:", b);

        WorkflowJob q = Fixtures.job(j, "arch-image", "node('" + Fixtures.LABEL + "') { rpmBuilderImage() }");
        Fixtures.sourceTree(Fixtures.workspace(agent, q), Files.createTempDirectory("arch-image"), 0);
        WorkflowRun c = j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0));
        j.assertLogContains("rpmBuilderImage: unknown architecture 's390x'", c);
        j.assertLogNotContains("rpmBuild:", c);
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
