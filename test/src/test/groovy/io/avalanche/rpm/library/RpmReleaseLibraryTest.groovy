package io.avalanche.rpm.library

import com.lesfurets.jenkins.unit.MethodCall
import io.avalanche.rpm.release.builder.BuilderImage
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

/** vars/rpmRelease.groovy under JenkinsPipelineUnit: tag, manual and pull-request modes, input validation. */
class RpmReleaseLibraryTest extends PipelineFixture {

    @BeforeEach
    void init() {
        setUpPipeline()
    }

    @Test
    void tagBuildRunsEveryStageOnEachArchInParallel() {
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call('v1.14.1')
        printCallStack()

        MethodCall parallel = calls('parallel').first()
        assertThat((parallel.args[0] as Map).keySet()).containsExactly('x86_64', 'aarch64')
        assertThat(calls('node').collect { it.args[0] }).containsExactly('linux-x86_64', 'linux-aarch64')

        assertThat(calls('rpmBuild').collect { it.args[0] }).containsExactly(
                [preset: 'avalanchego', tag: 'v1.14.1', arch: 'x86_64', out: 'rpm-release-out/x86_64'],
                [preset: 'avalanchego', tag: 'v1.14.1', arch: 'aarch64', out: 'rpm-release-out/aarch64'])
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [credentialsId: 'rpm-gpg-key', release: true, dir: 'rpm-release-out/x86_64'],
                [credentialsId: 'rpm-gpg-key', release: true, dir: 'rpm-release-out/aarch64'])
        assertThat(calls('withAWS').collect { it.args[0] }).containsExactly([region: 'us-east-1'], [region: 'us-east-1'])
        assertThat(calls('rpmPublish').collect { it.args[0] }).containsExactly(
                [bucket: 'avalanchego-rpms', prefix: '', force: false, dir: 'rpm-release-out/x86_64',
                 credentialsId: 'rpm-gpg-key'],
                [bucket: 'avalanchego-rpms', prefix: '', force: false, dir: 'rpm-release-out/aarch64',
                 credentialsId: 'rpm-gpg-key'])
        assertThat(calls('rpmValidate').collect { it.args[0] }).containsExactly(
                [from: 's3://avalanchego-rpms', image: 'rockylinux:9', commit: COMMIT, tag: 'v1.14.1', arch: 'x86_64',
                 junit: 'rpm-release-out/rpm-validate-x86_64.xml'],
                [from: 's3://avalanchego-rpms', image: 'rockylinux:9', commit: COMMIT, tag: 'v1.14.1', arch: 'aarch64',
                 junit: 'rpm-release-out/rpm-validate-aarch64.xml'])
        assertThat(calls('junit').collect { it.args[0] })
                .containsExactly('rpm-release-out/rpm-validate-x86_64.xml', 'rpm-release-out/rpm-validate-aarch64.xml')
        assertThat(calls('archiveArtifacts').collect { it.args[0] }).containsExactly(
                [artifacts: 'rpm-release-out/x86_64/**', fingerprint: true],
                [artifacts: 'rpm-release-out/aarch64/**', fingerprint: true])
    }

    @Test
    void tagBuildOrderWithinEachNode() {
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call('v1.14.1')
        List<String> interesting = ['node', 'checkout', 'rpmBuilderImage', 'docker.build', 'image.inside', 'rpmBuild',
                                    'rpmSign', 'withAWS', 'rpmPublish', 'rpmValidate', 'junit', 'archiveArtifacts']
        List<String> order = names().findAll { interesting.contains(it) }
        assertThat(order).containsExactly(*(interesting + interesting))
    }

    @Test
    void buildAndSignRunInTheBuilderImagePublishAndValidateUnderWithAwsOutsideIt() {
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call('v1.14.1')
        assertThat(stepContexts.collect { [it.step, it.image, it.aws] }).containsExactly(
                ['rpmBuild', 'rpm-release-builder:go1.23.4-amd64', false],
                ['rpmSign', 'rpm-release-builder:go1.23.4-amd64', false],
                ['rpmPublish', null, true],
                ['rpmValidate', null, true],
                ['rpmBuild', 'rpm-release-builder:go1.23.4-arm64', false],
                ['rpmSign', 'rpm-release-builder:go1.23.4-arm64', false],
                ['rpmPublish', null, true],
                ['rpmValidate', null, true])
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

        assertThat(calls('node').collect { it.args[0] }).containsExactly('arm-aarch64-big')
        assertThat(calls('docker.image').collect { it.args[0] }).containsExactly('registry.example/builder:7')
        assertThat(calls('docker.build')).isEmpty()
        assertThat(calls('rpmBuilderImage')).isEmpty()
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [credentialsId: 'gpg-file', release: true, dir: 'rpm-release-out/aarch64', passphraseCredentialsId: 'gpg-pass'])
        assertThat(calls('withAWS').collect { it.args[0] }).containsExactly(
                [region: 'eu-west-1', credentials: 'aws-release', role: 'arn:aws:iam::123456789012:role/rpm-publisher',
                 endpointUrl: 'https://s3.example'])
        assertThat(calls('rpmPublish').collect { it.args[0] }).containsExactly(
                [bucket: 'rpms', prefix: 'staging', force: true, dir: 'rpm-release-out/aarch64',
                 credentialsId: 'gpg-file', passphraseCredentialsId: 'gpg-pass'])
        assertThat(calls('rpmValidate').first().args[0] as Map)
                .containsEntry('from', 's3://rpms/staging').containsEntry('image', 'rockylinux:9.4')
                .containsEntry('tag', 'v1.14.1-rc.2')
    }

    @Test
    void pullRequestIsASmokeBuildWithoutCredentialsOrUpload() {
        envVars.CHANGE_ID = '1234'
        envVars.RPM_RELEASE_BUCKET = 'avalanchego-rpms'
        library().call(bucket: 'rpms', awsCredentials: 'aws-release', role: 'arn:aws:iam::1:role/r',
                gpgCredentialsId: 'gpg-file', passphraseCredentialsId: 'gpg-pass')
        printCallStack()

        assertThat(calls('node').collect { it.args[0] }).containsExactly('linux-x86_64', 'linux-aarch64')
        assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsOnly('v0.0.0-pr.0123456789ab')
        assertThat(calls('rpmSign').collect { it.args[0] }).containsExactly(
                [ephemeral: true, dir: 'rpm-release-out/x86_64'], [ephemeral: true, dir: 'rpm-release-out/aarch64'])
        assertThat(names()).doesNotContain('withAWS', 'rpmPublish', 'withCredentials', 'archiveArtifacts')
        assertThat(stepArguments()).contains('rpmSign(').doesNotContain('gpg-file', 'gpg-pass', 'aws-release', 'role/r', 'credentialsId')
        assertThat(calls('rpmValidate').collect { (it.args[0] as Map).from })
                .containsExactly('rpm-release-out/x86_64', 'rpm-release-out/aarch64')
        assertThat(calls('junit')).hasSize(2)
        assertThat(stepContexts.findAll { it.aws }).isEmpty()
    }

    @ParameterizedTest(name = "tag ''{0}'' is refused before any node")
    @ValueSource(strings = ['latest', 'v1.2.3;rm -rf /', '', ' v1.2.3', 'v1.2.3\n', 'v1.2', '1.2.3', 'v1.2.3-', 'v1.2.3-rc_1',
            'v1.2.3-$(id)', 'v1.2.3 && true'])
    void invalidTagsAreRefusedBeforeAnyNode(String tag) {
        envVars.RPM_RELEASE_BUCKET = 'b'
        assertThatThrownBy { library().call(tag) }
                .isInstanceOf(PipelineError)
                .hasMessageContaining('invalid tag')
        assertNoAgentWasTouched()
    }

    @Test
    void missingTagIsRefusedBeforeAnyNode() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        assertThatThrownBy { library().call([bucket: 'b']) }.isInstanceOf(PipelineError).hasMessageContaining('invalid tag')
        assertThatThrownBy { library().call((String) null) }.isInstanceOf(PipelineError).hasMessageContaining('invalid tag')
        assertNoAgentWasTouched()
    }

    @Test
    void validTagsPass() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        for (String tag : ['v1.14.1', 'v0.0.1-rc.2', 'v10.20.30-beta.1.x']) {
            helper.clearCallStack()
            library().call(tag: tag, archs: ['x86_64'])
            assertThat(calls('rpmBuild').collect { (it.args[0] as Map).tag }).containsExactly(tag)
        }
    }

    @Test
    void otherBadInputIsRefusedBeforeAnyNode() {
        assertThatThrownBy { library().call('v1.14.1') }.isInstanceOf(PipelineError).hasMessageContaining('bucket is required')
        assertThatThrownBy { library().call(tag: 'v1.14.1', bucket: 'b', archs: ['s390x']) }
                .isInstanceOf(PipelineError).hasMessageContaining("unknown arch 's390x'")
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
        assertNoAgentWasTouched()
    }

    @Test
    void aFailingValidationStillRecordsJUnitAndFailsTheBranch() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        helper.registerAllowedMethod('rpmValidate', [Map], { Map m -> throw new PipelineError('2 checks failed') })
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }.hasMessageContaining('2 checks failed')
        assertThat(calls('junit').collect { it.args[0] }).containsExactly('rpm-release-out/rpm-validate-x86_64.xml')
        assertThat(calls('archiveArtifacts')).isEmpty()
    }

    @Test
    void checkoutWithoutACommitIsAnError() {
        envVars.RPM_RELEASE_BUCKET = 'b'
        helper.registerAllowedMethod('checkout', [Map], { Map scm -> [:] })
        assertThatThrownBy { library().call(tag: 'v1.14.1', archs: ['x86_64']) }.hasMessageContaining('GIT_COMMIT')
        assertThat(names()).doesNotContain('rpmBuild')
    }

    private void assertNoAgentWasTouched() {
        assertThat(names()).doesNotContain('node', 'parallel', 'checkout', 'rpmBuild', 'rpmSign', 'rpmPublish',
                'rpmValidate', 'withAWS', 'docker.build', 'docker.image')
    }
}
