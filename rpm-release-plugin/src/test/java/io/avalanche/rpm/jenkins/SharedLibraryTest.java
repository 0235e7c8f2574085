package io.avalanche.rpm.jenkins;

import hudson.Extension;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.libs.GlobalLibraries;
import org.jenkinsci.plugins.workflow.libs.LibraryConfiguration;
import org.jenkinsci.plugins.workflow.libs.LibraryRetriever;
import org.jenkinsci.plugins.workflow.libs.LibraryRetrieverDescriptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.kohsuke.stapler.DataBoundConstructor;

import java.nio.file.Path;
import java.util.List;

/**
 * The repository's shared library (vars/, resources/) in a real Jenkins: bad input (rpmPlan's refusals, label rules)
 * stops before any node.
 */
@WithJenkins
class SharedLibraryTest {

    /** Serves this repository's vars/ and resources/ as a library (stands in for the Git retriever). */
    public static final class RepositoryRetriever extends LibraryRetriever {
        @DataBoundConstructor
        public RepositoryRetriever() {
        }

        @Override
        public void retrieve(String name, String version, boolean changelog, FilePath target, Run<?, ?> run,
                             TaskListener listener) throws Exception {
            retrieve(name, version, target, run, listener);
        }

        @Override
        public void retrieve(String name, String version, FilePath target, Run<?, ?> run, TaskListener listener)
                throws Exception {
            FilePath root = new FilePath(Path.of(System.getProperty("basedir", ".")).resolve("..").normalize().toFile());
            for (String dir : List.of("vars", "resources")) {
                root.child(dir).copyRecursiveTo(target.child(dir));
            }
        }

        /** Registers the retriever. */
        @Extension
        public static final class DescriptorImpl extends LibraryRetrieverDescriptor {
        }
    }

    /** The Jenkins of this test: taken once, in {@link #library}, and kept (JTH starts one per JenkinsRule resolution). */
    private JenkinsRule j;

    @BeforeEach
    void library(JenkinsRule rule) throws Exception {
        j = rule;
        LibraryConfiguration c = new LibraryConfiguration("rpm-release", new RepositoryRetriever());
        c.setDefaultVersion("main");
        GlobalLibraries.get().setLibraries(List.of(c));
        Fixtures.agent(j);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1.2.3;rm -rf /", "", "v1.2", "v0.0.0-pr.0123456789ab"})
    void invalidTagsStopBeforeAnyNode(String tag) throws Exception {
        WorkflowJob p = Fixtures.job(j, "release", Pipeline.load("library-release").with("TAG", tag));
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("rpmPlan: ", b);
        j.assertLogNotContains("Running on", b);
        j.assertLogNotContains("[Pipeline] node", b);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "linux-${arch}    ; linux-${arch}    ; the pull-request label must differ",
            "linux-x86_64     ; linux-x86_64     ; the pull-request label must differ",
            "linux-${arch}-pr ; linux-${arch}-pr ; the pull-request label must differ",
            "linux-${arch} || linux-${arch}-pr ; linux-${arch}-pr ; release builds must not run on the pull-request label"})
    void labelsThatLetPullRequestAgentsBuildReleasesStopBeforeAnyNode(String agentLabel, String prAgentLabel,
                                                                      String message) throws Exception {
        WorkflowJob p = Fixtures.job(j, "labels", Pipeline.load("library-labels").with("AGENT_LABEL", agentLabel)
                .with("PR_AGENT_LABEL", prAgentLabel));
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains(message, b);
        j.assertLogNotContains("[Pipeline] node", b);
    }
}
