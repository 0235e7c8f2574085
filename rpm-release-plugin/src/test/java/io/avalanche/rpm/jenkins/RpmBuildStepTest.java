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

    /** The upstream build as a durable sh, then rpmBuild of {@code tag} ("" compression: rpm-core's default). */
    private static Pipeline buildAndPackage(String tag, String compression) {
        return Pipeline.load("build-and-package").with("LABEL", Fixtures.LABEL)
                .with("BUILD_SCRIPT", Fixtures.BUILD_SCRIPT).with("TAG", tag).with("COMPRESSION", compression);
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
        WorkflowJob p = Fixtures.job(j, "build", buildAndPackage("v1.14.1-rc.2", ""));
        FilePath ws = Fixtures.workspace(agent, p);
        String commit = Fixtures.sourceTree(ws, tmp, 0);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        String arch = RpmCore.hostArch();
        j.assertLogContains("tag=v1.14.1-rc.2 arch=" + arch + " commit=" + commit + " files=2 vmId=" + Fixtures.VM_ID
                + " compression=zstd:19", b);
        // release.json's vocabulary, as rpm-release build --json prints it
        j.assertLogContains("version=1.14.1~rc.2 release=1 first=avalanchego-v1.14.1-rc.2-" + arch
                + ".rpm package=avalanchego", b);

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
    void withServiceAddsTheNoarchServicePackage(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "service", Pipeline.load("build-with-service").with("LABEL", Fixtures.LABEL)
                .with("BUILD_SCRIPT", Fixtures.BUILD_SCRIPT).with("TAG", "v1.14.1"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        String arch = RpmCore.hostArch();
        j.assertLogContains("files=3 names=[avalanchego-v1.14.1-" + arch + ".rpm, subnet-evm-v1.14.1-" + arch
                + ".rpm, avalanchego-service-v1.14.1-noarch.rpm]", b);
        Path rpm = Path.of(ws.getRemote()).resolve("rpm-release-out/avalanchego-service-v1.14.1-noarch.rpm");
        assertThat(query(rpm, "%{NAME} %{ARCH} %{BUILDTIME} [%{FILENAMES} ]")).as("rpm reads it back")
                .startsWith("avalanchego-service noarch 1700000000 ").contains("/usr/lib/systemd/system/avalanchego.service");
    }

    @Test
    void withoutZstdOnTheAgentTheDefaultFallsBackToXzAndAnExplicitZstdFails(JenkinsRule j, @TempDir Path tmp)
            throws Exception {
        // zstd-jni loads this path and nothing else when it is set: the load fails as on a musl or noexec agent
        DumbSlave agent = Fixtures.agentWith(j, "no-zstd", "-DZstdNativePath=" + tmp.resolve("missing/libzstd-jni.so"));
        WorkflowJob p = Fixtures.job(j, "fallback", buildAndPackage("v1.14.1", ""));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("rpmBuild: WARNING: zstd-jni's native library did not load from", b);
        j.assertLogContains("packaging with xz instead of zstd", b);
        j.assertLogContains("compression=xz:", b);
        Path rpm = Path.of(ws.getRemote(), "rpm-release-out", "avalanchego-v1.14.1-" + RpmCore.hostArch() + ".rpm");
        assertThat(query(rpm, "%{PAYLOADCOMPRESSOR}")).isEqualTo("xz");

        WorkflowJob q = Fixtures.job(j, "explicit-zstd", buildAndPackage("v1.14.1", "zstd:3"));
        Fixtures.sourceTree(Fixtures.workspace(agent, q), tmp.resolve("q"), 0);
        WorkflowRun c = j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0));
        j.assertLogContains("rpmBuild: compression zstd:3 needs zstd-jni, which cannot run on this agent", c);
        assertThat(Path.of(Fixtures.workspace(agent, q).getRemote(), "rpm-release-out")).doesNotExist();
    }

    @Test
    void aPullRequestBuildTakesItsTagFromTheCommitAndCompressesFast(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "pr", Pipeline.load("build-pull-request").with("LABEL", Fixtures.LABEL)
                .with("BUILD_SCRIPT", Fixtures.BUILD_SCRIPT));
        FilePath ws = Fixtures.workspace(agent, p);
        String commit = Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("tag=v0.0.0-pr." + commit.substring(0, 12) + " version=0.0.0~pr." + commit.substring(0, 12)
                + " compression=zstd:3 files=2", b);
        Path rpm = Path.of(ws.getRemote(), "rpm-release-out",
                "avalanchego-v0.0.0-pr." + commit.substring(0, 12) + "-" + RpmCore.hostArch() + ".rpm");
        assertThat(query(rpm, "%{VERSION} %{PAYLOADFLAGS}")).isEqualTo("0.0.0~pr." + commit.substring(0, 12) + " 3");
    }

    @Test
    void aRespinIsPackagedAsRpmReleaseN(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "respin", Pipeline.load("build-respin").with("LABEL", Fixtures.LABEL)
                .with("BUILD_SCRIPT", Fixtures.BUILD_SCRIPT));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.sourceTree(ws, tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        String arch = RpmCore.hostArch();
        // rpm-core's ReleaseTag.withRelease: 1.14.1-2 under a name no other tag can have
        j.assertLogContains("release=2 first=avalanchego-v1.14.1_2-" + arch + ".rpm", b);
        Path rpm = Path.of(ws.getRemote(), "rpm-release-out", "avalanchego-v1.14.1_2-" + arch + ".rpm");
        assertThat(query(rpm, "%{NAME} %{VERSION} %{RELEASE}")).as("rpm reads it back").isEqualTo("avalanchego 1.14.1 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "v1.2.3;rm -rf / | false |          |        |          |     | invalid tag",
            "v1.2.3          | false | geth     |        |          |     | unknown preset \"geth\"",
            "v1.2.3          | false |          | s390x  |          |     | rpmBuild: unknown architecture 's390x'",
            "v1.2.3          | false |          |        | lz4      |     | rpmBuild: unknown compression 'lz4'",
            "v1.2.3          | false |          |        | zstd:42  |     | rpmBuild: compression level 42 is outside 1..19",
            "v1.2.3          | true  |          |        |          |     | rpmBuild: pullRequest: true takes its tag from the commit",
            "                | false |          |        |          |     | rpmBuild: no tag",
            "v1.2.3          | false |          |        |          | 02  | rpmBuild: --release '02': a respin's RPM Release is a whole number",
            "v1.2.3          | false |          |        |          | 0   | a respin's RPM Release is a whole number from 1",
            "                | true  |          |        |          | 2   | rpmBuild: release: '2' is a respin of a tag"})
    void everyParameterIsCheckedBeforeAnyWork(String tag, String pullRequest, String preset, String arch,
                                              String compression, String release, String message, JenkinsRule j)
            throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        // no source tree and no build: a parameter error must come first, not "does not exist"
        WorkflowJob p = Fixtures.job(j, "bad-args", Pipeline.load("build-parameters").with("LABEL", Fixtures.LABEL)
                .with("TAG", blank(tag)).with("PULL_REQUEST", pullRequest).with("PRESET", blank(preset))
                .with("ARCH", blank(arch)).with("COMPRESSION", blank(compression)).with("RELEASE", blank(release)));
        FilePath ws = Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains(message, b);
        j.assertLogNotContains("does not exist", b);
        j.assertLogNotContains("is not an avalanchego source tree", b);
        assertThat(ws.child("rpm-release-out").exists()).isFalse();
    }

    private static String blank(String csv) {
        return csv == null ? "" : csv;
    }

    @Test
    void withoutTheBuildRpmBuildSaysWhatToRunFirst(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "not-built", Pipeline.load("build-only").with("LABEL", Fixtures.LABEL));
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
        WorkflowJob p = Fixtures.job(j, "fail", buildAndPackage("v1.14.1", ""));
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 3);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("script returned exit code 3", b);
        j.assertLogNotContains("rpmBuild: packaged", b);
        assertThat(Path.of(Fixtures.workspace(agent, p).getRemote(), "rpm-release-out")).doesNotExist();
    }

    @Test
    void aTagThatIsNotAtTheCheckedOutCommitIsRefusedBeforePackaging(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "wrong-tag", buildAndPackage("v1.14.2", ""));
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 0);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("tag v1.14.2 does not exist in the repository", b);
        j.assertLogNotContains("rpmBuild: packaged", b);
        assertThat(Path.of(Fixtures.workspace(agent, p).getRemote(), "rpm-release-out")).doesNotExist();
    }

    @Test
    void notASourceTreeIsAUserError(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "empty", Pipeline.load("build-only").with("LABEL", Fixtures.LABEL));
        Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("is not an avalanchego source tree", b);
    }

    @Test
    void anArchErrorNamesTheStepThatRaisedIt(JenkinsRule j) throws Exception {
        DumbSlave agent = Fixtures.agentWith(j, "s390x", "-Dos.arch=s390x");
        WorkflowJob p = Fixtures.job(j, "arch", Pipeline.load("validate-host-arch").with("LABEL", Fixtures.LABEL));
        Fixtures.workspace(agent, p);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmValidate: unknown architecture 's390x'", b);
        j.assertLogNotContains("rpmBuild:", b);

        WorkflowJob q = Fixtures.job(j, "arch-image", Pipeline.load("builder-image-host-arch").with("LABEL",
                Fixtures.LABEL));
        Fixtures.sourceTree(Fixtures.workspace(agent, q), Files.createTempDirectory("arch-image"), 0);
        WorkflowRun c = j.assertBuildStatus(Result.FAILURE, q.scheduleBuild2(0));
        j.assertLogContains("rpmBuilderImage: unknown architecture 's390x'", c);
        j.assertLogNotContains("rpmBuild:", c);
    }

    @Test
    void builderImageComesFromGoMod(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "image", Pipeline.load("builder-image").with("LABEL", Fixtures.LABEL));
        Fixtures.sourceTree(Fixtures.workspace(agent, p), tmp, 0);
        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("tag=rpm-release-builder:go1.23.4-arm64 go=1.23.4 "
                + "args=[--build-arg, GO_VERSION=1.23.4, --build-arg, TARGETARCH=arm64]", b);
    }
}
