package io.avalanche.rpm.library

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library
import static com.lesfurets.jenkins.unit.global.lib.LocalSource.localSource
import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

/** Jenkinsfile.example with the library loaded through @Library: tag, manual, pull-request and idle runs. */
class JenkinsfileExampleTest extends PipelineFixture {
    Path libraries

    @BeforeEach
    void init() {
        setUpPipeline()
        Path root = Paths.get(System.getProperty('rpmRelease.repoRoot')).toRealPath()
        libraries = Files.createTempDirectory('libraries')
        Files.createSymbolicLink(libraries.resolve('rpm-release@main'), root)
        helper.registerSharedLibrary(library().name('rpm-release').defaultVersion('main').allowOverride(false)
                .implicit(false).targetPath(libraries.toString()).retriever(localSource(libraries.toString())).build())
        binding.setVariable('_', null)
    }

    @AfterEach
    void cleanup() {
        Files.deleteIfExists(libraries.resolve('rpm-release@main'))
        Files.deleteIfExists(libraries)
    }

    private void runExample() {
        runScript('Jenkinsfile.example')
        printCallStack()
    }

    static final Map RELEASE_KEY = [keyFile: [credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-passphrase']]

    @Test
    void pushedTagReleasesBothArchs() {
        envVars.TAG_NAME = 'v1.14.1'
        runExample()
        // build + sign + validate per arch, publish, validate the published release per arch
        assertThat(calls('node').collect { it.args[0] }).containsExactly('linux-x86_64', 'linux-aarch64', 'linux-x86_64',
                'linux-x86_64', 'linux-aarch64')
        assertThat(calls('rpmPlan').collect { it.args[0] }).containsExactly([pullRequest: false, tag: 'v1.14.1'])
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsOnly('v1.14.1')
        assertThat(calls('rpmSign').collect { it.args[0] }).containsOnly(
                [key: RELEASE_KEY, release: true, tag: 'v1.14.1', arch: 'x86_64', vmId: VM_ID, dir: 'rpm-release-out/x86_64'],
                [key: RELEASE_KEY, release: true, tag: 'v1.14.1', arch: 'aarch64', vmId: VM_ID, dir: 'rpm-release-out/aarch64'])
        assertThat(calls('withAWS').collect { it.args[0] })
                .containsOnly([region: 'us-east-1', credentials: 'aws-rpm-publisher'])
        assertThat(calls('rpmPublish').collect { (it.args[0] as Map).bucket }).containsOnly('avalanchego-rpms')
        // the release key signs the repository metadata too (on the controller)
        assertThat(calls('rpmPublish').collect { (it.args[0] as Map).key }).containsExactly(RELEASE_KEY, RELEASE_KEY)
        assertThat(calls('properties')).hasSize(1)
        assertThat(calls('checkout').collect { ((it.args[0] as Map).scm as Map).branches }).containsOnly([[name: 'refs/tags/v1.14.1']])
        assertThat(calls('junit').collect { (it.args[0] as Map).allowEmptyResults }).hasSize(4).containsOnly(true)
    }

    @Test
    void theExampleListsEveryPluginItUsesAndTheTagBuildStrategies() {
        String text = new String(Files.readAllBytes(Paths.get(System.getProperty('rpmRelease.repoRoot'), 'Jenkinsfile.example')), 'UTF-8')
        for (String plugin : ['rpm-release plugin', 'Pipeline: Groovy Libraries', 'Docker Pipeline', 'Pipeline: AWS Steps',
                              'Git', 'JUnit', 'Credentials', 'Plain Credentials', 'Pipeline: Basic Steps',
                              'Pipeline: Nodes and Processes', 'Pipeline: Stage Step', 'Basic Branch Build Strategies',
                              'Pipeline: Multibranch', 'Branch API', 'GitHub Branch Source']) {
            assertThat(text).as(plugin).contains(plugin)
        }
        // adding one build strategy replaces Branch API's default: all three, tags with an age limit
        assertThat(text).contains('buildRegularBranches()').contains('buildChangeRequests(')
                .contains("buildTags(atLeastDays: '', atMostDays: '3')")
        String docs = new String(Files.readAllBytes(Paths.get(System.getProperty('rpmRelease.repoRoot'), 'docs/jenkins.md')), 'UTF-8')
        assertThat(docs).contains('basic-branch-build-strategies').contains('buildRegularBranches()')
                .contains("buildTags { atLeastDays('') atMostDays('3') }").contains('gitHubTagDiscovery()')
    }

    @Test
    void manualRunTakesTheTagParameter() {
        binding.setVariable('params', [TAG: 'v1.14.2-rc.1'])
        runExample()
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsOnly('v1.14.2-rc.1')
        assertThat(calls('rpmPublish')).hasSize(2)
        // the tag itself is checked out on each build agent, never the branch head the job points at
        assertThat(calls('checkout').collect { ((it.args[0] as Map).scm as Map).branches }).containsOnly([[name: 'refs/tags/v1.14.2-rc.1']])
    }

    @Test
    void manualRunWithABadTagStopsBeforeAnyNode() {
        binding.setVariable('params', [TAG: 'v1.2.3;rm -rf /'])
        assertThatThrownBy { runExample() }.isInstanceOf(PipelineError).hasMessageContaining('rpmPlan: invalid tag')
        assertThat(names()).doesNotContain('node', 'parallel', 'withAWS', 'rpmSign')
    }

    @Test
    void pullRequestIsASmokeBuildOnPullRequestAgents() {
        envVars.CHANGE_ID = '321'
        envVars.TAG_NAME = null
        runExample()
        assertThat(calls('node').collect { it.args[0] }).containsExactly('linux-x86_64-pr', 'linux-aarch64-pr')
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).pullRequest }).containsOnly(true)
        assertThat(calls('rpmSign').collect { (it.args[0] as Map).key }).containsOnly([ephemeral: [:]])
        assertThat(calls('rpmSign').collect { (it.args[0] as Map).tag }).containsOnly(PR_TAG)
        assertThat(names()).doesNotContain('withAWS', 'rpmPublish', 'archiveArtifacts', 'keyFile')
        assertThat(stepArguments()).doesNotContain('rpm-gpg-key', 'rpm-gpg-passphrase', 'aws-rpm-publisher')
    }

    @Test
    void branchBuildWithoutTagDoesNothing() {
        runExample()
        assertThat(calls('echo').collect { it.args[0] }).containsExactly(
                'rpm-release: nothing to do; push a v* tag or run with the TAG parameter '
                        + '(the first build of a new branch job only declares TAG)')
        assertThat(names()).doesNotContain('node', 'parallel')
    }
}
