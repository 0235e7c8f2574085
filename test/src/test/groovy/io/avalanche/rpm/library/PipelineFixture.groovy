package io.avalanche.rpm.library

import com.lesfurets.jenkins.unit.BasePipelineTest
import com.lesfurets.jenkins.unit.MethodCall
import io.avalanche.rpm.SpecException
import io.avalanche.rpm.format.ReleaseTag
import io.avalanche.rpm.publish.Layout
import io.avalanche.rpm.store.Destinations
import io.avalanche.rpm.release.ReleasePlan
import io.avalanche.rpm.release.builder.BuilderImage

/** JenkinsPipelineUnit set-up shared by the library tests: mocked plugin steps, docker global, recorded calls. */
abstract class PipelineFixture extends BasePipelineTest {
    static final String COMMIT = '0123456789abcdef0123456789abcdef01234567'
    static final String VM_ID = 'srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy'
    /** The tag rpmBuild(pullRequest: true) takes from COMMIT, as rpm-core makes it. */
    static final String PR_TAG = 'v0.0.0-pr.0123456789ab'
    static final String GO_MOD = 'module github.com/ava-labs/avalanchego\n\ngo 1.23\n\ntoolchain go1.23.4\n'

    /** The pipeline's `error` step: it aborts the build in Jenkins, so it throws here too. */
    static class PipelineError extends RuntimeException {
        PipelineError(String message) { super(message) }
    }

    /** Stand-in for docker-workflow's `docker` global: records calls and which image a body runs inside. */
    class DockerMock {
        String insideImage

        def image(String id) {
            record('docker.image', id)
            return new ImageMock(id)
        }

        def build(String tag, String args) {
            record('docker.build', tag, args)
            return new ImageMock(tag)
        }

        class ImageMock {
            final String id

            ImageMock(String id) { this.id = id }

            def inside(String args, Closure body) {
                record('image.inside', id, args)
                insideImage = id
                try {
                    return body.call()
                } finally {
                    insideImage = null
                }
            }
        }
    }

    static final String EPOCH = '1700000000'

    Map<String, Object> envVars = [:]
    DockerMock docker
    /** Which node, container (or null) each mocked plugin step ran in, and whether it ran under withAWS. */
    List<Map> stepContexts = []
    int awsDepth = 0
    String currentNode
    /** What each stash holds (name -> node label it was stashed on) and the sh scripts run, in order. */
    Map<String, String> stashes = [:]
    List<Map> shells = []
    List<String> environment = []

    void setUpPipeline() {
        String root = System.getProperty('rpmRelease.repoRoot')
        assert root != null: 'surefire must set rpmRelease.repoRoot'
        scriptRoots = [new File(root).canonicalPath] as String[]
        scriptExtension = 'groovy'
        super.setUp()
        docker = new DockerMock()
        binding.setVariable('env', envVars)
        binding.setVariable('scm', [$class: 'GitSCM', branches: [[name: '*/master']],
                                    userRemoteConfigs: [[url: 'https://github.com/ava-labs/avalanchego', credentialsId: 'github-app']]])
        binding.setVariable('docker', docker)
        binding.setVariable('params', [:])

        helper.registerAllowedMethod('error', [String], { String m -> throw new PipelineError(m) })
        helper.registerAllowedMethod('checkout', [Map], { Map scm -> [GIT_COMMIT: COMMIT, GIT_BRANCH: 'main'] })
        helper.registerAllowedMethod('node', [String, Closure], { String label, Closure body ->
            String outer = currentNode
            currentNode = label
            try {
                return body.call()
            } finally {
                currentNode = outer
            }
        })
        helper.registerAllowedMethod('sh', [Map], { Map m ->
            shells << [script: m.script, node: currentNode, image: docker.insideImage, env: new ArrayList(environment)]
            return m.returnStdout ? EPOCH + '\n' : 0
        })
        helper.registerAllowedMethod('withEnv', [List, Closure], { List vars, Closure body ->
            int n = environment.size()
            environment.addAll(vars)
            try {
                return body.call()
            } finally {
                while (environment.size() > n) {
                    environment.remove(environment.size() - 1)
                }
            }
        })
        helper.registerAllowedMethod('stash', [Map], { Map m -> stashes[m.name as String] = currentNode })
        helper.registerAllowedMethod('unstash', [String], { String name ->
            if (!stashes.containsKey(name)) {
                throw new PipelineError('No such saved stash ‘' + name + '’')
            }
        })
        helper.registerAllowedMethod('dir', [String, Closure], { String d, Closure body -> body.call() })
        helper.registerAllowedMethod('deleteDir', [], null)
        helper.registerAllowedMethod('echo', [String], null)
        helper.registerAllowedMethod('junit', [Map], null)
        helper.registerAllowedMethod('archiveArtifacts', [Map], null)
        helper.registerAllowedMethod('writeFile', [Map], null)
        helper.registerAllowedMethod('withAWS', [Map, Closure], { Map m, Closure body ->
            awsDepth++
            try {
                return body.call()
            } finally {
                awsDepth--
            }
        })
        helper.registerAllowedMethod('rpmBuilderImage', [Map], { Map m ->
            BuilderImage b = BuilderImage.forGoMod(GO_MOD, m.arch as String)
            return [tag: b.tag(), goVersion: b.goVersion().toString(), targetArch: b.targetArch(), buildArgs: b.buildArgs()]
        })
        // rpmPlan answers what rpm-core decides (its refusals are the step's AbortException)
        helper.registerAllowedMethod('rpmPlan', [Map], { Map m -> plan(m) })
        // the typed keys: Pipeline turns these symbols into the step's key:, here they stay recognisable maps
        helper.registerAllowedMethod('keyFile', [Map], { Map m -> [keyFile: m] })
        helper.registerAllowedMethod('pkcs11', [Map], { Map m -> [pkcs11: m] })
        helper.registerAllowedMethod('ephemeral', [], { -> [ephemeral: [:]] })
        helper.registerAllowedMethod('rpmBuild', [Map], { Map m ->
            context('rpmBuild', m)
            return [tag: m.pullRequest ? PR_TAG : m.tag, arch: m.arch, commit: COMMIT, vmId: VM_ID, files: []]
        })
        helper.registerAllowedMethod('rpmSign', [Map], { Map m -> context('rpmSign', m); [keyId: 'ABCDEF0123456789'] })
        helper.registerAllowedMethod('rpmPublish', [Map], { Map m ->
            context('rpmPublish', m)
            return [destination: Destinations.s3(m.bucket as String, m.prefix as String).url(), objects: [],
                    repoFile: 'https://example/avalanchego.repo']
        })
        helper.registerAllowedMethod('rpmValidate', [Map], { Map m -> context('rpmValidate', m); [failures: []] })
        helper.registerAllowedMethod('buildingTag', [], { envVars.TAG_NAME != null })
        helper.registerAllowedMethod('string', [Map], { Map m -> [string: m] })
        helper.registerAllowedMethod('parameters', [List], { List l -> [parameters: l] })
    }

    /**
     * What the rpmPlan step returns: rpm-core's ReleasePlan.toMap() as the plugin's RpmCore.plan returns it, and the layout by
     * rpm-core's name (RpmPlanStep adds it); a respin it refuses as RpmPlanStep does (its messages), by rpm-core's rule.
     */
    static Map plan(Map m) {
        ReleasePlan p
        Layout layout
        try {
            p = ReleasePlan.of(m.tag as String, m.pullRequest as boolean,
                    m.archs == null ? null : (m.archs as String).split(',').toList())
            layout = m.layout == null ? Layout.SEED : Layout.named(m.layout as String)
        } catch (SpecException e) {
            throw new PipelineError('rpmPlan: ' + e.message)
        }
        String respin = m.respin == null || (m.respin as String).trim().isEmpty() ? null : (m.respin as String).trim()
        if (respin != null && p.pullRequest()) {
            throw new PipelineError("rpmPlan: respin: '" + m.respin + "': the release is the RPM Release N of a respin "
                    + 'of a tag, not for pull requests (their tag comes from the commit)')
        }
        if (respin != null) {
            try {
                ReleaseTag.parse(m.tag as String).withRelease(respin)
            } catch (SpecException e) {
                throw new PipelineError("rpmPlan: respin: '" + m.respin + "': release is the RPM Release N of a respin "
                        + 'of a tag (2, 3, ...): ' + e.message)
            }
        }
        Map r = new LinkedHashMap(p.toMap())
        r.layout = layout.id()
        return r
    }

    void context(String step, Map args) {
        stepContexts << [step: step, node: currentNode, image: docker.insideImage, aws: awsDepth > 0, args: args]
    }

    void record(String name, Object... args) {
        helper.callStack.add(new MethodCall(target: docker, methodName: name, args: args, stackDepth: 0))
    }

    Script library() {
        return loadScript('vars/rpmRelease.groovy')
    }

    List<MethodCall> calls(String name) {
        return helper.callStack.findAll { it.methodName == name }
    }

    List<String> names() {
        return helper.callStack.collect { it.methodName }
    }

    /** The library's own methods; every other recorded call is a Jenkins step or the docker global. */
    static final List<String> LIBRARY_METHODS = ['rpmRelease', 'call', 'settings', 'planArguments', 'checkLabels',
                                                 'namesLabel', 'perArch', 'runArch', 'perArchStage', 'once', 'unknownStage',
                                                 'buildStage', 'signStage', 'validateStage', 'recordJUnit', 'publishStage',
                                                 'checkoutTag', 'label', 'stageLabel', 'outDir', 'stashName',
                                                 'unstashRelease', 'packagesOf', 'builderImage', 'signingKey',
                                                 'awsSettings']

    /** Every argument of every step call (not the library's own methods), flattened to text. */
    String stepArguments() {
        return helper.callStack.findAll { !LIBRARY_METHODS.contains(it.methodName) }
                .collect { it.methodName + '(' + it.argsToString() + ')' }.join('\n')
    }
}
