// rpmRelease: builds, signs, validates, publishes and validates again the avalanchego / subnet-evm RPMs, one
// parallel branch per architecture. Thin on purpose: the rpm-release plugin's steps (rpm-core) decide the tag, the
// arches, the compression and the stages (rpmPlan) and every refusal; this library runs the stages on Jenkins nodes.
// Usage: rpmRelease('v1.14.1') or rpmRelease(tag: 'v1.14.1', bucket: 'my-bucket', ...); see rpmRelease.txt.

import groovy.transform.Field

@Field static final List<String> KNOWN_KEYS = ['tag', 'archs', 'agentLabel', 'prAgentLabel', 'image', 'dockerArgs',
        'preset', 'bucket', 'prefix', 'force', 'awsCredentials', 'role', 'region', 'endpointUrl', 'gpgCredentialsId',
        'passphraseCredentialsId', 'key', 'vmId', 'validateImage', 'out', 'emulateAarch64', 'withService', 'layout',
        'release']
/**
 * The upstream build, run as a durable `sh` inside the builder container (it survives a controller restart and an
 * abort stops it): avalanchego's scripts/build.sh from the repository root writes build/avalanchego; subnet-evm's
 * build runs in graft/subnet-evm and takes the ABSOLUTE output path. rpmBuild then packages build/avalanchego and
 * build/subnet-evm.
 */
@Field static final String BUILD_SCRIPT = '''set -eu
out="$(pwd)/build"
./scripts/build.sh
cd graft/subnet-evm
./scripts/build.sh "$out/subnet-evm"
'''

def call(String tag) {
    return call([tag: tag])
}

def call(Map args) {
    Map cfg = settings(args == null ? [:] : args)
    // rpm-core's plan, before any node: it refuses a bad tag or arch and lists the arches and the stages in order
    Map plan = rpmPlan(planArguments(cfg))
    checkLabels(cfg, plan.archs as List)
    // Everything above checked the input without touching an agent; only now are nodes allocated.
    Map state = [builds: [:], published: null]
    List stages = plan.stages as List
    int i = 0
    while (i < stages.size()) {
        if (stages[i].perArch) {
            // consecutive per-arch stages run in one parallel branch per arch: an arch goes on as soon as it can
            List group = []
            while (i < stages.size() && stages[i].perArch) {
                group.add(stages[i].name as String)
                i++
            }
            perArch(cfg, plan, state, group)
        } else {
            once(cfg, plan, state, stages[i].name as String)
            i++
        }
    }
}

/** Merges defaults with the caller's map and refuses what only this library knows about, before any node. */
private Map settings(Map args) {
    // index loops over lists: CPS-safe whatever a later edit puts inside them
    List keys = new ArrayList(args.keySet())
    List<String> unknown = []
    for (int i = 0; i < keys.size(); i++) {
        if (!KNOWN_KEYS.contains(keys[i] as String)) {
            unknown.add(keys[i] as String)
        }
    }
    if (unknown) {
        error('rpmRelease: unknown option(s) ' + unknown.join(', ') + '; known: ' + KNOWN_KEYS.join(', '))
    }
    Map cfg = [agentLabel: 'linux-${arch}', prAgentLabel: 'linux-${arch}-pr', preset: 'avalanchego', prefix: '',
               force: false, region: 'us-east-1', gpgCredentialsId: 'rpm-gpg-key', validateImage: 'rockylinux:9',
               dockerArgs: '', out: 'rpm-release-out', bucket: env.RPM_RELEASE_BUCKET, emulateAarch64: false,
               withService: false] + args
    cfg.pr = env.CHANGE_ID ? true : false
    if (!cfg.pr) {
        if (cfg.tag == null) {
            error('rpmRelease: no tag. A pushed tag sets env.TAG_NAME; a manual build passes params.TAG, which is '
                    + 'null on the first build of a new branch job (that build declares the TAG parameter): run '
                    + '"Build with Parameters" again with TAG=vX.Y.Z')
        }
        if (!cfg.bucket) {
            error('rpmRelease: bucket is required for a release build (the S3 bucket the RPMs are published to)')
        }
        if (!cfg.key && !cfg.gpgCredentialsId) {
            error('rpmRelease: gpgCredentialsId is required for a release build (a File credential with the armored '
                    + 'key), or give key: pkcs11(...)')
        }
    }
    if (cfg.archs != null && (!(cfg.archs instanceof List) || cfg.archs.isEmpty())) {
        error('rpmRelease: archs must be a non-empty list, e.g. [\'x86_64\', \'aarch64\']')
    }
    if (cfg.release != null && cfg.release.toString().trim().isEmpty()) {
        // rpmPlan checks the number (rpm-core's rule); empty would mean no respin there, not a mistake
        error("rpmRelease: release is the RPM Release N of a respin of a tag (2, 3, ...), not ''")
    }
    if (!(cfg.out ==~ /[A-Za-z0-9_-][A-Za-z0-9._-]*/)) {
        error("rpmRelease: out must be a plain directory name inside the workspace, not '" + cfg.out + "'")
    }
    List<String> flags = ['emulateAarch64', 'withService']
    for (int i = 0; i < flags.size(); i++) {
        if (!(cfg[flags[i]] instanceof Boolean)) {
            error('rpmRelease: ' + flags[i] + " must be true or false, not '" + cfg[flags[i]] + "'")
        }
    }
    return cfg
}

/**
 * What rpmPlan is asked: the tag (release builds; a pull request's tag comes from its commit), arches, layout, and a
 * respin's release, which rpm-core checks against the tag (and refuses for a pull request) before any node.
 */
private Map planArguments(Map cfg) {
    Map a = [pullRequest: cfg.pr]
    if (cfg.tag != null) {
        a.tag = cfg.tag.toString()   // a pull request given a tag: rpmPlan refuses it
    }
    if (cfg.archs != null) {
        a.archs = cfg.archs.join(',')
    }
    if (cfg.layout != null) {
        a.layout = cfg.layout.toString()   // checked by rpm-core before any node; the plan returns its name
    }
    if (cfg.release != null) {
        a.respin = cfg.release.toString()
    }
    return a
}

/**
 * Pull-request builds run the pull request's own build scripts, so they run on agents of their own: the release
 * label and the pull-request label must differ for every arch, and the release label may not name the pull-request
 * one (a release build must never run where pull-request code ran).
 */
private void checkLabels(Map cfg, List archs) {
    List all = new ArrayList(archs)
    if (cfg.emulateAarch64 && !all.contains('x86_64')) {
        all.add('x86_64')
    }
    for (int i = 0; i < all.size(); i++) {
        String release = label(cfg.agentLabel, all[i] as String)
        String pr = label(cfg.prAgentLabel, all[i] as String)
        if (release == pr) {
            error("rpmRelease: the pull-request label must differ from the release label: agentLabel and prAgentLabel "
                    + "are both '" + release + "' for " + all[i] + '; pull-request code must never run on release agents')
        }
        if (namesLabel(release, pr)) {
            error("rpmRelease: release builds must not run on the pull-request label '" + pr + "' (agentLabel '"
                    + release + "'); give release agents a label of their own")
        }
    }
}

/** True when a label expression names the atom {@code name} other than as !name (strings only: CPS-safe). */
private boolean namesLabel(String expression, String name) {
    String q = java.util.regex.Pattern.quote(name)
    String positive = expression.replaceAll('!\\s*' + q + '(?![\\w.-])', ' ')
    return positive ==~ ('(?s).*(?<![\\w.-])' + q + '(?![\\w.-]).*')
}

/** Runs a group of per-arch stages, one parallel branch per arch; a failed branch fails parallel and the build. */
private void perArch(Map cfg, Map plan, Map state, List group) {
    Map branches = [:]
    List archs = plan.archs as List
    for (int i = 0; i < archs.size(); i++) {
        String arch = archs[i]
        branches[arch] = {
            runArch(cfg, plan, state, arch, group)
        }
    }
    parallel(branches)
}

/** An arch's stages, consecutive stages on the same label in one node (the release directory stays in place). */
private void runArch(Map cfg, Map plan, Map state, String arch, List group) {
    int i = 0
    while (i < group.size()) {
        String nodeLabel = stageLabel(cfg, group[i] as String, arch)
        List onNode = []
        while (i < group.size() && stageLabel(cfg, group[i] as String, arch) == nodeLabel) {
            onNode.add(group[i])
            i++
        }
        node(nodeLabel) {
            for (int k = 0; k < onNode.size(); k++) {
                perArchStage(cfg, plan, state, onNode[k] as String, arch, k == 0)
            }
        }
    }
}

/** One per-arch stage; {@code fresh}: first stage on this node, the release directory is not here yet. */
private void perArchStage(Map cfg, Map plan, Map state, String name, String arch, boolean fresh) {
    switch (name) {
        case 'build':
            buildStage(cfg, plan, state, arch)
            break
        case 'sign':
            signStage(cfg, plan, state, arch, fresh)
            break
        case 'validate':
            validateStage(cfg, plan, state, arch, fresh, false)
            break
        case 'validate-published':
            validateStage(cfg, plan, state, arch, fresh, true)
            break
        default:
            unknownStage(name)
    }
}

/** A stage that runs once for the whole release. */
private void once(Map cfg, Map plan, Map state, String name) {
    if (name == 'publish') {
        publishStage(cfg, plan, state)
    } else {
        unknownStage(name)
    }
}

private void unknownStage(String name) {
    error("rpmRelease: the plan has stage '" + name + "', which this version of the library does not run; use the "
            + 'library version that matches the rpm-release plugin')
}

/**
 * Checkout (the tag itself for release builds), the upstream build as a durable sh in the builder container, then
 * rpmBuild packages it; for a pull request rpmBuild takes the tag from the commit and the compression from rpm-core.
 */
private void buildStage(Map cfg, Map plan, Map state, String arch) {
    stage('checkout ' + arch) {
        if (cfg.pr) {
            checkout(scm)
        } else {
            checkoutTag(plan.tag as String)
        }
    }
    String out = outDir(cfg, arch)
    def image = builderImage(cfg, arch)
    image.inside(cfg.dockerArgs) {
        stage('build ' + arch) {
            String epoch = sh(script: 'git log -1 --format=%ct HEAD', returnStdout: true).trim()
            withEnv(['SOURCE_DATE_EPOCH=' + epoch]) {
                sh(script: BUILD_SCRIPT, label: 'build avalanchego and subnet-evm (' + arch + ')')
            }
            // packaging only: fast and deterministic; refuses a tag that does not name the built commit
            Map build = cfg.pr ? [preset: cfg.preset, pullRequest: true, arch: arch, out: out]
                    : [preset: cfg.preset, tag: plan.tag, arch: arch, out: out]
            Map b = rpmBuild(packagesOf(cfg, build, 'release', true))
            state.builds[arch] = [tag: b.tag, commit: b.commit, vmId: b.vmId]
        }
    }
}

/**
 * Signs on the build's node; the controller signs only headers that are exactly this build's packages: this tag,
 * this arch, the VM ID the build read (or the one pinned with vmId:). Then stashes the release directory.
 */
private void signStage(Map cfg, Map plan, Map state, String arch, boolean fresh) {
    if (fresh) {
        error('rpmRelease: sign must run on the node that built ' + arch)
    }
    Map b = state.builds[arch] as Map
    String out = outDir(cfg, arch)
    stage('sign ' + arch) {
        if (cfg.pr) {
            // an ephemeral key, and the same approval a release gets: a pull request that would break it shows here
            rpmSign(key: ephemeral(), tag: b.tag, arch: arch, vmId: cfg.vmId ?: b.vmId, dir: out)
        } else {
            Map sign = [key: signingKey(cfg), release: true, tag: plan.tag, arch: arch, vmId: cfg.vmId ?: b.vmId, dir: out]
            rpmSign(packagesOf(cfg, sign, 'respin', false))
        }
    }
    stash(name: stashName(arch), includes: out + '/**')
}

/**
 * Validates one arch's release (the release directory before publishing, the published location after) and records
 * the JUnit report even when validation fails, without letting the recording hide the real failure.
 */
private void validateStage(Map cfg, Map plan, Map state, String arch, boolean fresh, boolean published) {
    Map b = state.builds[arch] as Map
    String out = outDir(cfg, arch)
    String junitFile = cfg.out + '/' + (published ? 'rpm-validate-published-' : 'rpm-validate-') + arch + '.xml'
    if (arch == 'aarch64' && cfg.emulateAarch64) {
        echo('rpmRelease: validating aarch64 on ' + stageLabel(cfg, 'validate', arch) + ' under qemu emulation '
                + '(emulateAarch64: true): proves packaging, install and startup, not behaviour on aarch64 hardware')
    }
    Throwable failure = null
    try {
        stage((published ? 'validate published ' : 'validate ') + arch) {
            Map args = [from: published ? state.published : out, image: cfg.validateImage, commit: b.commit,
                        tag: plan.tag ?: b.tag, arch: arch, junit: junitFile]
            if (!cfg.pr) {
                args.key = signingKey(cfg)   // judged against the key the controller holds, never the bucket's
            }
            packagesOf(cfg, args, 'release', true)
            if (published) {
                args.layout = plan.layout   // rpm-core's name of the layout rpmPublish used
                withAWS(awsSettings(cfg)) {
                    rpmValidate(args)
                }
            } else {
                if (fresh) {
                    unstashRelease(cfg, arch)
                }
                rpmValidate(args)
            }
        }
    } catch (Throwable t) {
        failure = t
        throw t
    } finally {
        recordJUnit(junitFile, failure)
    }
}

/** junit in a finally block: an absent report is no error, and a recording error never replaces the real one. */
private void recordJUnit(String file, Throwable failure) {
    try {
        junit(testResults: file, allowEmptyResults: true)
    } catch (Throwable t) {
        if (failure == null) {
            throw t
        }
        echo('rpmRelease: could not record ' + file + ' (' + t.toString() + '); the build failed before: '
                + failure.toString())
    }
}

/** Publishes every arch's validated release (unstashed on one release agent) inside withAWS, then archives it. */
private void publishStage(Map cfg, Map plan, Map state) {
    List archs = plan.archs as List
    node(label(cfg.agentLabel, archs[0] as String)) {
        stage('publish') {
            for (int i = 0; i < archs.size(); i++) {
                unstashRelease(cfg, archs[i] as String)
            }
            withAWS(awsSettings(cfg)) {
                // Runs no code from the checkout: only the plugin's publish step. The same key signs each
                // repodata/repomd.xml, on the controller (the agent sends the bytes, gets the signature).
                for (int i = 0; i < archs.size(); i++) {
                    Map r = rpmPublish(bucket: cfg.bucket, prefix: cfg.prefix, force: cfg.force,
                            dir: outDir(cfg, archs[i] as String), key: signingKey(cfg), layout: plan.layout)
                    state.published = r.destination   // rpm-core's spelling of bucket and prefix
                }
            }
            archiveArtifacts(artifacts: cfg.out + '/*/**', fingerprint: true)
        }
    }
}

/**
 * Checks out refs/tags/TAG from the job's Git remotes (a manual TAG build must not package the branch head); the
 * engine then refuses when the tag does not name the built commit.
 */
private Map checkoutTag(String tag) {
    List remotes = []
    def configs = null
    try {
        configs = scm.userRemoteConfigs
    } catch (MissingPropertyException ignored) {
        // not a Git SCM: refused below
    }
    if (!configs) {
        error('rpmRelease: tag builds need a Git SCM with a remote (scm.userRemoteConfigs is empty)')
    }
    for (int i = 0; i < configs.size(); i++) {
        def r = configs[i]
        Map remote = [url: r.url, refspec: '+refs/tags/' + tag + ':refs/tags/' + tag]
        if (r.credentialsId) {
            remote.credentialsId = r.credentialsId
        }
        remotes.add(remote)
    }
    return checkout(scm: [$class: 'GitSCM', branches: [[name: 'refs/tags/' + tag]], userRemoteConfigs: remotes,
                          extensions: []])
}

/** A label template with ${arch} filled in. */
private String label(def template, String arch) {
    return template.toString().replace('${arch}', arch)
}

/**
 * Where a stage runs: builds and signing on the build agents of the arch (pull requests on their own agents), the
 * validations on agents of the arch, or on x86_64 agents (qemu) for aarch64 with emulateAarch64.
 */
private String stageLabel(Map cfg, String stage, String arch) {
    def template = cfg.pr ? cfg.prAgentLabel : cfg.agentLabel
    boolean validation = stage == 'validate' || stage == 'validate-published'
    return label(template, validation && arch == 'aarch64' && cfg.emulateAarch64 ? 'x86_64' : arch)
}

private String outDir(Map cfg, String arch) {
    return cfg.out + '/' + arch
}

private String stashName(String arch) {
    return 'rpm-release-' + arch
}

/** An arch's release directory as sign stashed it, replacing what this node has there. */
private void unstashRelease(Map cfg, String arch) {
    dir(outDir(cfg, arch)) {
        deleteDir()
    }
    unstash(stashName(arch))
}

/** Which packages a step handles: a respin's release (named {@code releaseKey}), and the service package if taken. */
private Map packagesOf(Map cfg, Map args, String releaseKey, boolean service) {
    if (service && cfg.withService) {
        args.withService = true
    }
    if (cfg.release != null) {
        args[releaseKey] = cfg.release.toString()   // a respin: <tag> as RPM Release N
    }
    return args
}

/** The caller's image, or the builder image for this source tree's go.mod, built (or reused) on this agent. */
private def builderImage(Map cfg, String arch) {
    if (cfg.image) {
        return docker.image(cfg.image.toString())
    }
    Map b = rpmBuilderImage(arch: arch)
    String dir = '.rpm-release/builder'
    writeFile(file: dir + '/Dockerfile', text: libraryResource('io/avalanche/rpm/builder/Dockerfile'))
    def image = null
    stage('builder image ' + arch) {
        image = docker.build(b.tag.toString(), b.buildArgs.join(' ') + ' ' + dir)
    }
    return image
}

/** The release key for rpmSign and rpmPublish (release builds only): the caller's key:, or keyFile(...). */
private def signingKey(Map cfg) {
    if (cfg.key) {
        return cfg.key
    }
    Map k = [credentialsId: cfg.gpgCredentialsId]
    if (cfg.passphraseCredentialsId) {
        k.passphraseCredentialsId = cfg.passphraseCredentialsId
    }
    return keyFile(k)
}

private Map awsSettings(Map cfg) {
    Map aws = [region: cfg.region]
    if (cfg.awsCredentials) {
        aws.credentials = cfg.awsCredentials
    }
    if (cfg.role) {
        aws.role = cfg.role
    }
    if (cfg.endpointUrl) {
        aws.endpointUrl = cfg.endpointUrl
    }
    return aws
}
