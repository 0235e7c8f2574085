package io.avalanche.rpm.library

import com.lesfurets.jenkins.unit.MethodCall
import io.avalanche.rpm.release.builder.BuilderImage
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.CsvSource
import org.junit.jupiter.params.provider.ValueSource

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

/**
 * vars/rpmRelease.groovy under JenkinsPipelineUnit: tag, manual and pull-request modes, the stages rpmPlan lists, the
 * label rules that keep pull-request code off release agents, input validation before any node.
 */
class RpmReleaseLibraryTest extends PipelineFixture {

    @BeforeEach
    void init() {
        setUpPipeline()
    }

    static final String X86 = 'linux-x86_64'
    static final String ARM = 'linux-aarch64'
    static final String X86_PR = 'linux-x86_64-pr'
    static final String ARM_PR = 'linux-aarch64-pr'
    static final Map RELEASE_KEY = [keyFile: [credentialsId: 'rpm-gpg-key']]

    @Test
    void tagBuildBuildsValidatesPublishesAndValidatesAgainOnEachArch() {
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call('v1.14.1')
        printCallStack()

        // rpm-core's plan comes first, before any node
        assertThat(names().findAll { it in ['rpmPlan', 'node'] }.first()).isEqualTo('rpmPlan')
        assertThat(calls('rpmPlan').collect { it.args[0] }).containsExactly([pullRequest: false, tag: 'v1.14.1'])
        List<MethodCall> parallels = calls('parallel')
        assertThat(parallels).hasSize(2)
        assertThat((parallels[0].args[0] as Map).keySet()).containsExactly('x86_64', 'aarch64')
        assertThat((parallels[1].args[0] as Map).keySet()).containsExactly('x86_64', 'aarch64')
        // build + sign + validate per arch on one node; publish; validate the published release per arch
        assertThat(calls('node').collect { it.args[0] }).containsExactly(X86, ARM, X86, X86, ARM)

        assertThat(calls('rpmBuild').collect { it.args[0] }).containsExactly(
                [preset: 'avalanchego', tag: 'v1.14.1', arch: 'x86_64', out: 'rpm-release-out/x86_64'],
                [preset: 'avalanchego', tag: 'v1.14.1', arch: 'aarch64', out: 'rpm-release-out/aarch64'])
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [key: RELEASE_KEY, release: true, tag: 'v1.14.1', arch: 'x86_64', vmId: VM_ID, dir: 'rpm-release-out/x86_64'],
                [key: RELEASE_KEY, release: true, tag: 'v1.14.1', arch: 'aarch64', vmId: VM_ID, dir: 'rpm-release-out/aarch64'])
        assertThat(calls('withAWS').collect { it.args[0] })
                .containsExactly([region: 'us-east-1'], [region: 'us-east-1'], [region: 'us-east-1'])
        assertThat(calls('rpmPublish').collect { it.args[0] }).containsExactly(
                [bucket: 'avalanchego-rpms', prefix: '', force: false, dir: 'rpm-release-out/x86_64', key: RELEASE_KEY,
                 layout: 'seed'],
                [bucket: 'avalanchego-rpms', prefix: '', force: false, dir: 'rpm-release-out/aarch64', key: RELEASE_KEY,
                 layout: 'seed'])
        // both validations judge signatures against the key the controller holds (issue 21), never the bucket's
        assertThat(calls('rpmValidate').collect { it.args[0] }).containsExactly(
                [from: 'rpm-release-out/x86_64', image: 'rockylinux:9', commit: COMMIT, tag: 'v1.14.1', arch: 'x86_64',
                 junit: 'rpm-release-out/rpm-validate-x86_64.xml', key: RELEASE_KEY],
                [from: 'rpm-release-out/aarch64', image: 'rockylinux:9', commit: COMMIT, tag: 'v1.14.1', arch: 'aarch64',
                 junit: 'rpm-release-out/rpm-validate-aarch64.xml', key: RELEASE_KEY],
                [from: 's3://avalanchego-rpms', image: 'rockylinux:9', commit: COMMIT, tag: 'v1.14.1', arch: 'x86_64',
                 junit: 'rpm-release-out/rpm-validate-published-x86_64.xml', key: RELEASE_KEY, layout: 'seed'],
                [from: 's3://avalanchego-rpms', image: 'rockylinux:9', commit: COMMIT, tag: 'v1.14.1', arch: 'aarch64',
                 junit: 'rpm-release-out/rpm-validate-published-aarch64.xml', key: RELEASE_KEY, layout: 'seed'])
        assertThat(calls('rpmValidate').collect { it.args[0] as Map }).noneMatch { it.containsKey('trustPublishedKey') }
        assertThat(calls('junit').collect { it.args[0] }).containsExactly(
                [testResults: 'rpm-release-out/rpm-validate-x86_64.xml', allowEmptyResults: true],
                [testResults: 'rpm-release-out/rpm-validate-aarch64.xml', allowEmptyResults: true],
                [testResults: 'rpm-release-out/rpm-validate-published-x86_64.xml', allowEmptyResults: true],
                [testResults: 'rpm-release-out/rpm-validate-published-aarch64.xml', allowEmptyResults: true])
        assertThat(calls('archiveArtifacts').collect { it.args[0] }).containsExactly(
                [artifacts: 'rpm-release-out/*/**', fingerprint: true])
    }

    @Test
    void theLibraryRunsTheStagesThePlanListsInItsOrder() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        // a plan without publishing (as a pull request's): nothing is published, nothing validated from S3
        helper.registerAllowedMethod('rpmPlan', [Map], { Map m ->
            Map p = plan(m)
            p.stages = p.stages.findAll { !(it.name in ['publish', 'validate-published']) }
            return p
        })
        library().call(tag: 'v1.14.1', archs: ['x86_64'])
        assertThat(names()).contains('rpmBuild', 'rpmSign', 'rpmValidate').doesNotContain('rpmPublish', 'withAWS')

        // a stage this library does not know stops the build with a clear message instead of being skipped
        helper.clearCallStack()
        helper.registerAllowedMethod('rpmPlan', [Map], { Map m ->
            Map p = plan(m)
            p.stages = [[name: 'notarize', perArch: false]] + p.stages
            return p
        })
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }.isInstanceOf(PipelineError)
                .hasMessageContaining("the plan has stage 'notarize', which this version of the library does not run")
        assertThat(names()).doesNotContain('node')
    }

    @Test
    void theArchesComeFromThePlan() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.1', archs: ['arm64', 'aarch64'])
        // rpm-core normalizes and deduplicates: one aarch64 branch
        assertThat(calls('rpmPlan').collect { it.args[0] }).containsExactly(
                [pullRequest: false, tag: 'v1.14.1', archs: 'arm64,aarch64'])
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).arch }).containsExactly('aarch64')
    }

    @Test
    void tagBuildsCheckOutTheTagItselfFromTheJobsRemotes() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.2-rc.1', archs: ['x86_64'])
        Map scm = calls('checkout').collect { (it.args[0] as Map).scm as Map }.first()
        assertThat(scm).containsEntry('$class', 'GitSCM')
        assertThat(scm.branches).isEqualTo([[name: 'refs/tags/v1.14.2-rc.1']])
        assertThat(scm.userRemoteConfigs).isEqualTo([[url: 'https://github.com/ava-labs/avalanchego',
                                                      refspec: '+refs/tags/v1.14.2-rc.1:refs/tags/v1.14.2-rc.1',
                                                      credentialsId: 'github-app']])
        assertThat(calls('checkout')).hasSize(1)
        // the job's own branch spec (the branch head) is never what a tag build checks out
        assertThat(stepArguments()).doesNotContain('*/master')
        // the step that packages gets the tag, so the engine can refuse a tag that does not name the commit
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsExactly('v1.14.2-rc.1')
    }

    @Test
    void aTagBuildWithoutAGitRemoteStops() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        binding.setVariable('scm', new Object())   // an SCM object without userRemoteConfigs
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }
                .hasMessageContaining('tag builds need a Git SCM')
        assertThat(names()).doesNotContain('rpmBuild', 'checkout')
    }

    @Test
    void theGoBuildIsADurableShInTheBuilderContainerAndRpmBuildOnlyPackages() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.1', archs: ['x86_64'])
        assertThat(shells.collect { [it.script, it.node, it.image] }).containsExactly(
                ['git log -1 --format=%ct HEAD', X86, 'rpm-release-builder:go1.23.4-amd64'],
                [BUILD_SCRIPT_TEXT, X86, 'rpm-release-builder:go1.23.4-amd64'])
        assertThat(shells[1].env).containsExactly('SOURCE_DATE_EPOCH=' + EPOCH)
        List<String> order = names().findAll { it in ['sh', 'rpmBuild', 'rpmSign'] }
        assertThat(order).containsExactly('sh', 'sh', 'rpmBuild', 'rpmSign')
        // the library passes no compression: rpm-core chooses it for a release or a pull request
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).containsKey('compression') }).containsOnly(false)
    }

    /** The exact upstream commands (DESIGN, "The real upstream"): avalanchego from the root, subnet-evm with an absolute output. */
    static final String BUILD_SCRIPT_TEXT = 'set -eu\nout="$(pwd)/build"\n./scripts/build.sh\ncd graft/subnet-evm\n' +
            './scripts/build.sh "$out/subnet-evm"\n'

    @Test
    void eachArchIsValidatedBeforeAnythingIsPublished() {
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call('v1.14.1')
        List<String> interesting = ['rpmBuild', 'rpmSign', 'stash', 'unstash', 'rpmValidate', 'rpmPublish']
        List<String> order = names().findAll { interesting.contains(it) }
        assertThat(order).containsExactly(
                'rpmBuild', 'rpmSign', 'stash', 'rpmValidate',                     // x86_64, one node
                'rpmBuild', 'rpmSign', 'stash', 'rpmValidate',                     // aarch64, one node
                'unstash', 'unstash', 'rpmPublish', 'rpmPublish',                  // publish, both arches passed
                'rpmValidate', 'rpmValidate')                                      // from S3
        assertThat(calls('stash').collect { it.args[0] }).containsExactly(
                [name: 'rpm-release-x86_64', includes: 'rpm-release-out/x86_64/**'],
                [name: 'rpm-release-aarch64', includes: 'rpm-release-out/aarch64/**'])
        assertThat(calls('unstash').collect { it.args[0] }).containsExactly('rpm-release-x86_64', 'rpm-release-aarch64')
        assertThat(stepContexts.collect { [it.step, it.node, it.image, it.aws, it.args.from] }).containsExactly(
                ['rpmBuild', X86, 'rpm-release-builder:go1.23.4-amd64', false, null],
                ['rpmSign', X86, null, false, null],
                ['rpmValidate', X86, null, false, 'rpm-release-out/x86_64'],
                ['rpmBuild', ARM, 'rpm-release-builder:go1.23.4-arm64', false, null],
                ['rpmSign', ARM, null, false, null],
                ['rpmValidate', ARM, null, false, 'rpm-release-out/aarch64'],
                ['rpmPublish', X86, null, true, null],
                ['rpmPublish', X86, null, true, null],
                ['rpmValidate', X86, null, true, 's3://avalanchego-rpms'],
                ['rpmValidate', ARM, null, true, 's3://avalanchego-rpms'])
    }

    @Test
    void theReleaseKeySignsOnlyTheTagTheControllerKnows() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        // whatever an agent reports as the packaged tag, rpmSign's approval gets the plan's tag
        String commit = COMMIT   // a local: Groovy 2.4 closures cannot read the base class's constants
        String vmId = VM_ID
        helper.registerAllowedMethod('rpmBuild', [Map], { Map m ->
            context('rpmBuild', m)
            return [tag: 'v9.9.9', arch: m.arch, commit: commit, vmId: vmId, files: []]
        })
        library().call(tag: 'v1.14.1', archs: ['x86_64'])
        assertThat(calls('rpmSign').collect { (it.args[0] as Map).tag }).containsExactly('v1.14.1')
        assertThat(calls('rpmValidate').collect { (it.args[0] as Map).tag }).containsOnly('v1.14.1')
    }

    @Test
    void aPinnedVmIdAndATokenKeyReachTheSteps() {
        String pinned = 'mgj786NP7uDwBCcq6YwThhaN8FLyybkCa4zBWTQbNgmK6k9A6'
        Map token = [pkcs11: [module: '/usr/lib64/pkcs11/hsm.so', token: 'release', key: 'rpm-2026',
                              pinCredentialsId: 'hsm-pin', certificateId: 'hsm-cert']]
        library().call(tag: 'v1.14.1', bucket: 'b', archs: ['x86_64'], vmId: pinned, key: token)
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [key: token, release: true, tag: 'v1.14.1', arch: 'x86_64', vmId: pinned, dir: 'rpm-release-out/x86_64'])
        assertThat(calls('rpmPublish').collect { (it.args[0] as Map).key }).containsExactly(token)
        // the token key's certificate is what both validations pin
        assertThat(calls('rpmValidate').collect { (it.args[0] as Map).key }).containsExactly(token, token)
        assertThat(stepArguments()).doesNotContain('rpm-gpg-key')
    }

    @Test
    void aFailedPrePublishValidationPublishesNothingAndTheBuildShowsThatFailure() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        helper.registerAllowedMethod('rpmValidate', [Map], { Map m ->
            if (m.arch == 'aarch64') {
                throw new PipelineError('rpmValidate: 2 check(s) failed')
            }
            return [failures: []]
        })
        // JenkinsPipelineUnit runs parallel branches one after the other and stops at the first failure, as
        // Jenkins' parallel fails once every branch ended; either way publish never starts
        assertThatThrownBy { library().call('v1.14.1') }.hasMessageContaining('rpmValidate: 2 check(s) failed')
        assertThat(names()).doesNotContain('rpmPublish', 'withAWS', 'archiveArtifacts')
        assertThat(calls('junit').collect { (it.args[0] as Map).testResults }).containsExactly(
                'rpm-release-out/rpm-validate-x86_64.xml', 'rpm-release-out/rpm-validate-aarch64.xml')
    }

    @Test
    void junitAllowsAMissingReportSoTheRealFailureIsWhatTheBuildShows() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        // as the junit step does without allowEmptyResults when validation failed before writing any XML
        helper.registerAllowedMethod('junit', [Map], { Map m ->
            if (!m.allowEmptyResults) {
                throw new PipelineError('No test report files were found. Configuration error?')
            }
        })
        helper.registerAllowedMethod('rpmValidate', [Map], { Map m -> throw new PipelineError('rpmValidate: cannot download s3://b') })
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }
                .hasMessageContaining('cannot download').hasMessageNotContaining('No test report')
        assertThat(calls('junit')).hasSize(1)
    }

    @Test
    void aJUnitRecordingErrorDoesNotReplaceTheValidationFailure() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        helper.registerAllowedMethod('junit', [Map], { Map m -> throw new PipelineError('junit: broken XML') })
        helper.registerAllowedMethod('rpmValidate', [Map], { Map m -> throw new PipelineError('rpmValidate: 1 check(s) failed') })
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }
                .hasMessageContaining('1 check(s) failed')
        assertThat(calls('echo').collect { it.args[0] as String }).anyMatch { it.contains('could not record') && it.contains('broken XML') }

        // without an earlier failure, a recording error is the build's error
        helper.clearCallStack()
        helper.registerAllowedMethod('rpmValidate', [Map], { Map m -> [failures: []] })
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }.hasMessageContaining('junit: broken XML')
    }

    @Test
    void emulateAarch64IsOffByDefault() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call('v1.14.1')
        assertThat(stepContexts.findAll { it.step == 'rpmValidate' && it.args.arch == 'aarch64' }.collect { it.node })
                .containsExactly(ARM, ARM)
        assertThat(calls('echo').collect { it.args[0] as String }).noneMatch { it.contains('emulation') }
    }

    @Test
    void emulateAarch64ValidatesAarch64OnAnX86Agent() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.1', emulateAarch64: true)
        // the aarch64 build stays native on its own agents (the builder image is per arch)
        assertThat(stepContexts.findAll { it.step in ['rpmBuild', 'rpmSign'] }.collect { [it.step, it.args.arch, it.node] })
                .containsExactly(['rpmBuild', 'x86_64', X86], ['rpmSign', 'x86_64', X86], ['rpmBuild', 'aarch64', ARM],
                        ['rpmSign', 'aarch64', ARM])
        // both aarch64 validations (release directory, then S3) run on x86_64 agents, still for arch aarch64
        List<Map> armValidations = stepContexts.findAll { it.step == 'rpmValidate' && it.args.arch == 'aarch64' }
        assertThat(armValidations.collect { [it.node, it.args.from] }).containsExactly(
                [X86, 'rpm-release-out/aarch64'], [X86, 's3://b'])
        assertThat(calls('echo').collect { it.args[0] as String }.findAll { it.contains('under qemu emulation') })
                .hasSize(2)
        // the stash made on the aarch64 agent is what the x86_64 agent validates
        assertThat(stashes).containsEntry('rpm-release-aarch64', ARM)
        assertThat(names().findAll { it in ['unstash', 'rpmValidate'] }.take(3))
                .containsExactly('rpmValidate', 'unstash', 'rpmValidate')
    }

    @Test
    void emulateAarch64MustBeABoolean() {
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', emulateAarch64: 'yes') }
                .isInstanceOf(PipelineError).hasMessageContaining('emulateAarch64 must be true or false')
        assertNoAgentWasTouched()
    }

    @Test
    void withServiceBuildsAndValidatesTheServicePackageOnEveryArch() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.1', withService: true)
        assertThat(calls('rpmBuild').collect { it.args[0] }).containsExactly(
                [preset: 'avalanchego', tag: 'v1.14.1', arch: 'x86_64', out: 'rpm-release-out/x86_64', withService: true],
                [preset: 'avalanchego', tag: 'v1.14.1', arch: 'aarch64', out: 'rpm-release-out/aarch64', withService: true])
        List<Map> validations = calls('rpmValidate').collect { it.args[0] as Map }
        assertThat(validations.collect { it.withService }).containsExactly(true, true, true, true)
        assertThat(validations.collect { it.from }).containsExactly('rpm-release-out/x86_64', 'rpm-release-out/aarch64',
                's3://b', 's3://b')
        // signing and publishing take the release directory as it is: nothing changes there
        assertThat(calls('rpmSign').collect { it.args[0] as Map }).noneMatch { it.containsKey('withService') }
        assertThat(calls('rpmPublish').collect { it.args[0] as Map }).noneMatch { it.containsKey('withService') }
    }

    @Test
    void withServiceIsOffByDefaultAndMustBeABoolean() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call('v1.14.1')
        assertThat(calls('rpmBuild').collect { it.args[0] as Map }).noneMatch { it.containsKey('withService') }
        assertThat(calls('rpmValidate').collect { it.args[0] as Map }).noneMatch { it.containsKey('withService') }
        helper.clearCallStack()
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', withService: 'yes') }
                .isInstanceOf(PipelineError).hasMessageContaining('withService must be true or false')
        assertNoAgentWasTouched()
    }

    @Test
    void aRespinPassesItsReleaseToBuildSignAndValidateOnly() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.1', release: 2)
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).release }).containsExactly('2', '2')
        assertThat(calls('rpmSign').collect { (it.args[0] as Map).respin }).containsExactly('2', '2')
        assertThat(calls('rpmValidate').collect { (it.args[0] as Map).release }).containsExactly('2', '2', '2', '2')
        assertThat(calls('rpmPublish').collect { it.args[0] as Map }).noneMatch { it.containsKey('release') }
        assertThat(calls('rpmPlan').collect { it.args[0] as Map }).noneMatch { it.containsKey('release') }
    }

    @Test
    void rpmPlanChecksTheRespinBeforeAnyNode() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call(tag: 'v1.14.1', release: 2)
        // the number is rpm-core's rule, asked of rpmPlan (as respin:, the name rpmSign uses) before any node
        assertThat(calls('rpmPlan').collect { (it.args[0] as Map).respin }).containsExactly('2')
        assertThat(names().indexOf('rpmPlan')).isLessThan(names().indexOf('node'))
    }

    @Test
    void aRespinNeedsAReleaseNumberAndATag() {
        for (Object bad : ['two', '0', '-1', '1.5', '']) {
            helper.clearCallStack()
            assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', release: bad) }
                    .isInstanceOf(PipelineError).hasMessageContaining('release is the RPM Release N of a respin')
            assertNoAgentWasTouched()
        }
        envVars.CHANGE_ID = '7'
        helper.clearCallStack()
        assertThatThrownBy { library().call(release: 2) }
                .isInstanceOf(PipelineError).hasMessageContaining('not for pull requests')
        assertNoAgentWasTouched()
    }

    @Test
    void builderImageIsBuiltFromTheLibraryDockerfileTaggedByGoVersionAndArch() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        library().call('v1.14.1')
        assertThat(calls('docker.build').collect { it.args.toList() }).containsExactly(
                ['rpm-release-builder:go1.23.4-amd64', '--build-arg GO_VERSION=1.23.4 --build-arg TARGETARCH=amd64 .rpm-release/builder'],
                ['rpm-release-builder:go1.23.4-arm64', '--build-arg GO_VERSION=1.23.4 --build-arg TARGETARCH=arm64 .rpm-release/builder'])
        MethodCall write = calls('writeFile').first()
        assertThat((write.args[0] as Map).file).isEqualTo('.rpm-release/builder/Dockerfile')
        assertThat((write.args[0] as Map).text).isEqualTo(BuilderImage.template())
        assertThat(calls('docker.image')).isEmpty()
    }

    @Test
    void libraryDockerfileIsTheRpmCoreTemplate() {
        Path shipped = Paths.get(System.getProperty('rpmRelease.repoRoot'), 'resources/io/avalanche/rpm/builder/Dockerfile')
        assertThat(new String(Files.readAllBytes(shipped), 'UTF-8')).isEqualTo(BuilderImage.template())
    }

    @Test
    void manualBuildWithEveryOption() {
        library().call(tag: 'v1.14.1-rc.2', archs: ['aarch64'], agentLabel: 'arm-${arch}-big', image: 'registry.example/builder:7',
                bucket: 'rpms', prefix: 'staging', force: true, awsCredentials: 'aws-release',
                role: 'arn:aws:iam::123456789012:role/rpm-publisher', region: 'eu-west-1',
                endpointUrl: 'https://s3.example', gpgCredentialsId: 'gpg-file', passphraseCredentialsId: 'gpg-pass',
                validateImage: 'rockylinux:9.4')
        printCallStack()

        assertThat(calls('node').collect { it.args[0] }.unique()).containsExactly('arm-aarch64-big')
        assertThat(calls('docker.image').collect { it.args[0] }).containsExactly('registry.example/builder:7')
        assertThat(calls('docker.build')).isEmpty()
        assertThat(calls('rpmBuilderImage')).isEmpty()
        Map key = [keyFile: [credentialsId: 'gpg-file', passphraseCredentialsId: 'gpg-pass']]
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [key: key, release: true, tag: 'v1.14.1-rc.2', arch: 'aarch64', vmId: VM_ID, dir: 'rpm-release-out/aarch64'])
        assertThat(calls('withAWS').collect { it.args[0] }.unique()).containsExactly(
                [region: 'eu-west-1', credentials: 'aws-release', role: 'arn:aws:iam::123456789012:role/rpm-publisher',
                 endpointUrl: 'https://s3.example'])
        assertThat(calls('rpmPublish').collect { it.args[0] }).containsExactly(
                [bucket: 'rpms', prefix: 'staging', force: true, dir: 'rpm-release-out/aarch64', key: key, layout: 'seed'])
        // the published location is rpm-publish's answer (rpm-core's spelling), not a string the library builds
        assertThat(calls('rpmValidate').last().args[0] as Map)
                .containsEntry('from', 's3://rpms/staging').containsEntry('image', 'rockylinux:9.4')
                .containsEntry('tag', 'v1.14.1-rc.2')
    }

    @Test
    void pullRequestIsASmokeBuildOnItsOwnAgentsWithoutCredentialsOrUpload() {
        envVars.CHANGE_ID = '1234'
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call(bucket: 'rpms', awsCredentials: 'aws-release', role: 'arn:aws:iam::1:role/r',
                gpgCredentialsId: 'gpg-file', passphraseCredentialsId: 'gpg-pass')
        printCallStack()

        assertThat(calls('rpmPlan').collect { it.args[0] }).containsExactly([pullRequest: true])
        // the pull-request label, never a release agent
        assertThat(calls('node').collect { it.args[0] }).containsExactly(X86_PR, ARM_PR)
        assertThat(calls('checkout').collect { it.args[0] }).containsOnly(binding.getVariable('scm'))
        // rpmBuild takes the tag from the commit and rpm-core's pull-request compression
        assertThat(calls('rpmBuild').collect { it.args[0] }).containsExactly(
                [preset: 'avalanchego', pullRequest: true, arch: 'x86_64', out: 'rpm-release-out/x86_64'],
                [preset: 'avalanchego', pullRequest: true, arch: 'aarch64', out: 'rpm-release-out/aarch64'])
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [key: [ephemeral: [:]], tag: PR_TAG, arch: 'x86_64', vmId: VM_ID, dir: 'rpm-release-out/x86_64'],
                [key: [ephemeral: [:]], tag: PR_TAG, arch: 'aarch64', vmId: VM_ID, dir: 'rpm-release-out/aarch64'])
        assertThat(names()).doesNotContain('withAWS', 'rpmPublish', 'withCredentials', 'archiveArtifacts', 'keyFile')
        assertThat(stepArguments()).contains('rpmSign(').doesNotContain('gpg-file', 'gpg-pass', 'aws-release', 'role/r', 'passphraseCredentialsId')
        assertThat(calls('rpmValidate').collect { [(it.args[0] as Map).from, (it.args[0] as Map).tag] }).containsExactly(
                ['rpm-release-out/x86_64', PR_TAG], ['rpm-release-out/aarch64', PR_TAG])
        // a pull request's release directory is judged against its own ephemeral key: no release key is named
        assertThat(calls('rpmValidate').collect { it.args[0] as Map }).noneMatch { it.containsKey('key') }
        assertThat(calls('junit')).hasSize(2)
        assertThat(stepContexts.findAll { it.aws }).isEmpty()
    }

    @Test
    void pullRequestsValidateOnTheirOwnAgentsToo() {
        envVars.CHANGE_ID = '1234'
        library().call(prAgentLabel: 'untrusted-${arch}', emulateAarch64: true)
        assertThat(calls('node').collect { it.args[0] }).containsExactly('untrusted-x86_64', 'untrusted-aarch64',
                'untrusted-x86_64')
        assertThat(stepContexts.findAll { it.step == 'rpmValidate' }.collect { it.node })
                .containsExactly('untrusted-x86_64', 'untrusted-x86_64')
    }

    @ParameterizedTest(name = "agentLabel ''{0}'', prAgentLabel ''{1}''")
    @CsvSource(delimiterString = ';', value = [
            "linux-\${arch}; linux-\${arch}; the pull-request label must differ",
            "ci; ci; the pull-request label must differ",
            "linux-\${arch}-pr; linux-\${arch}-pr; the pull-request label must differ",
            "linux-\${arch} || linux-\${arch}-pr; linux-\${arch}-pr; release builds must not run on the pull-request label 'linux-x86_64-pr'",
            "(fast || linux-x86_64-pr) && docker; linux-\${arch}-pr; release builds must not run on the pull-request label"])
    void labelsThatLetPullRequestAgentsNearReleasesAreRefusedBeforeAnyNode(String agentLabel, String prAgentLabel,
                                                                          String message) {
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', agentLabel: agentLabel, prAgentLabel: prAgentLabel) }
                .isInstanceOf(PipelineError).hasMessageContaining(message)
        assertNoAgentWasTouched()
        // a pull request is refused the same way: the rule protects both kinds of build
        helper.clearCallStack()
        envVars.CHANGE_ID = '7'
        assertThatThrownBy { library().call(agentLabel: agentLabel, prAgentLabel: prAgentLabel) }
                .isInstanceOf(PipelineError).hasMessageContaining('pull-request label')
        assertNoAgentWasTouched()
    }

    @Test
    void aReleaseLabelThatExcludesThePullRequestLabelIsFine() {
        library().call(tag: 'v1.14.1', bucket: 'b', archs: ['x86_64'], agentLabel: 'linux-${arch} && !linux-${arch}-pr')
        assertThat(calls('node').collect { it.args[0] }.unique()).containsExactly('linux-x86_64 && !linux-x86_64-pr')
    }

    @ParameterizedTest(name = "tag ''{0}'' is refused before any node")
    @ValueSource(strings = ['latest', 'v1.2.3;rm -rf /', ' v1.2.3', 'v1.2.3\n', 'v1.2', '1.2.3', 'v1.2.3-', 'v1.2.3-rc_1',
            'v1.2.3-$(id)', 'v1.2.3 && true'])
    void invalidTagsAreRefusedByRpmCoreBeforeAnyNode(String tag) {
        envVars.RPM_RELEASE_BUCKET = 'b'
        assertThatThrownBy { library().call(tag) }
                .isInstanceOf(PipelineError)
                .hasMessageStartingWith('rpmPlan: ')
                .hasMessageContaining('invalid tag')
        assertNoAgentWasTouched()
    }

    @Test
    void aMissingTagSaysWhyItIsMissing() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        // params.TAG is null on the first build of a new branch job: the library says so
        assertThatThrownBy { library().call([bucket: 'b']) }.isInstanceOf(PipelineError)
                .hasMessageContaining('rpmRelease: no tag').hasMessageContaining('first build of a new branch job')
        assertThatThrownBy { library().call((String) null) }.isInstanceOf(PipelineError)
                .hasMessageContaining('Build with Parameters')
        assertThatThrownBy { library().call('') }.isInstanceOf(PipelineError).hasMessageContaining('rpmPlan: no tag')
        assertThatThrownBy { library().call('v0.0.0-pr.0123456789ab') }.isInstanceOf(PipelineError)
                .hasMessageContaining('form of a pull-request smoke build')
        assertNoAgentWasTouched()
    }

    @Test
    void validTagsPass() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        for (String tag : ['v1.14.1', 'v0.0.1-rc.2', 'v10.20.30-beta.1.x', 'v1.15.0-fuji-rc.4']) {
            helper.clearCallStack()
            library().call(tag: tag, archs: ['x86_64'])
            assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsExactly(tag)
        }
    }

    @Test
    void otherBadInputIsRefusedBeforeAnyNode() {
        assertThatThrownBy { library().call('v1.14.1') }.isInstanceOf(PipelineError).hasMessageContaining('bucket is required')
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', archs: ['s390x']) }
                .isInstanceOf(PipelineError).hasMessageContaining("rpmPlan: unknown architecture 's390x'")
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', archs: ['noarch']) }
                .isInstanceOf(PipelineError).hasMessageContaining("arch 'noarch' is not released")
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', archs: []) }
                .isInstanceOf(PipelineError).hasMessageContaining('archs must be a non-empty list')
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', arch: 'x86_64') }
                .isInstanceOf(PipelineError).hasMessageContaining('unknown option(s) arch')
        for (String out : ['../etc', '..', '.', 'a/b', '']) {
            assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', out: out) }
                    .isInstanceOf(PipelineError).hasMessageContaining('out must be a plain directory name')
        }
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', gpgCredentialsId: '') }
                .isInstanceOf(PipelineError).hasMessageContaining('gpgCredentialsId is required')
        envVars.CHANGE_ID = '5'
        assertThatThrownBy { library().call(tag: 'v1.14.1') }.isInstanceOf(PipelineError)
                .hasMessageContaining('rpmPlan: a pull-request build takes its tag from the commit')
        assertNoAgentWasTouched()
    }

    @Test
    void theLayoutIsCheckedByRpmPlanAndReachesPublishAndThePublishedValidation() {
        library().call(tag: 'v1.14.1', bucket: 'b', archs: ['x86_64'], layout: 'EL9')
        assertThat(calls('rpmPlan').collect { it.args[0] }).containsExactly(
                [pullRequest: false, tag: 'v1.14.1', archs: 'x86_64', layout: 'EL9'])
        // the plan's spelling (rpm-core's layout name), not the caller's, reaches the steps
        assertThat(calls('rpmPublish').collect { (it.args[0] as Map).layout }).containsExactly('el9')
        assertThat(calls('rpmValidate').collect { (it.args[0] as Map).layout }).containsExactly(null, 'el9')

        helper.clearCallStack()
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', layout: 'rhel8') }
                .isInstanceOf(PipelineError).hasMessageStartingWith('rpmPlan: ').hasMessageContaining('not a layout')
        assertNoAgentWasTouched()
    }

    /** Issue 22: the channel of a tag is rpm-core's rule (format/Channel); the library passes the tag and nothing else. */
    @ParameterizedTest(name = "tag ''{0}'' reaches the steps as given, with no channel")
    @ValueSource(strings = ['v1.14.2', 'v1.14.3-rc.2', 'v1.15.0-fuji-rc.4', 'v1.15.0-fuji', 'v1.14.1-firewood'])
    void theLibraryPassesTheTagAndNoChannel(String tag) {
        library().call(tag: tag, bucket: 'b', archs: ['x86_64'])
        List<Map> args = ['rpmPlan', 'rpmBuild', 'rpmSign', 'rpmPublish', 'rpmValidate'].collectMany { name ->
            calls(name).collect { it.args[0] as Map } }
        assertThat(args).hasSize(6)
        assertThat(args.collectMany { it.keySet() as List }.unique()).doesNotContain('channel', 'repository', 'repo')
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsExactly(tag)
        assertThat(calls('rpmValidate').collect { (it.args[0] as Map).tag }).containsOnly(tag)
        // every published path is rpm-core's: the library never names a channel directory or .repo file
        assertThat(stepArguments()).doesNotContain('testing', 'fuji/', 'experimental', 'linux/rpms', '.repo')
    }

    @Test
    void theLibrarySourceHoldsNoChannelRule() {
        String source = new String(Files.readAllBytes(Paths.get(System.getProperty('rpmRelease.repoRoot'),
                'vars/rpmRelease.groovy')), 'UTF-8')
        // what a repeated rule would need: the channel names, the pre-release marker or the repository paths
        for (String word : ['stable', 'testing', 'fuji', 'experimental', '-rc', 'linux/rpms', 'channel']) {
            assertThat(source.toLowerCase()).as(word).doesNotContain(word)
        }
    }

    private void assertNoAgentWasTouched() {
        assertThat(names()).doesNotContain('node', 'parallel', 'checkout', 'rpmBuild', 'rpmSign', 'rpmPublish',
                'rpmValidate', 'withAWS', 'docker.build', 'docker.image')
    }
}
