// rpmRelease: builds, signs, validates, publishes and validates again the avalanchego / subnet-evm RPMs, one
// parallel branch per architecture. Thin on purpose: every decision lives in the rpm-release plugin steps (rpm-core).
// Usage: rpmRelease('v1.14.1') or rpmRelease(tag: 'v1.14.1', bucket: 'my-bucket', ...); see rpmRelease.txt.

import groovy.transform.Field

@Field static final String TAG_PATTERN = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/
@Field static final List<String> KNOWN_ARCHS = ['x86_64', 'aarch64']
@Field static final List<String> KNOWN_KEYS = ['tag', 'archs', 'agentLabel', 'image', 'dockerArgs', 'preset',
        'bucket', 'prefix', 'force', 'awsCredentials', 'role', 'region', 'endpointUrl', 'gpgCredentialsId',
        'passphraseCredentialsId', 'validateImage', 'out', 'emulateAarch64']
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
    // Everything above validated the input without touching an agent; only now are nodes allocated.
    Map commits = [:]
    Map branches = [:]
    for (int i = 0; i < cfg.archs.size(); i++) {
        String arch = cfg.archs[i]
        branches[arch] = {
            commits[arch] = buildArch(cfg, arch)
            validateArch(cfg, arch, commits[arch] as String, cfg.out + '/' + arch, 'rpm-validate-' + arch + '.xml')
        }
    }
    // A failed branch fails parallel: nothing below runs, so a release that did not pass is never published.
    parallel(branches)
    if (cfg.pr) {
        return
    }
    publish(cfg)
    Map after = [:]
    for (int i = 0; i < cfg.archs.size(); i++) {
        String arch = cfg.archs[i]
        after[arch] = {
            validateArch(cfg, arch, commits[arch] as String, s3Destination(cfg), 'rpm-validate-published-' + arch + '.xml')
        }
    }
    parallel(after)
}

/** Merges defaults with the caller's map and refuses bad input before any node is allocated. */
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
    Map cfg = [archs: KNOWN_ARCHS, agentLabel: 'linux-${arch}', preset: 'avalanchego', prefix: '', force: false,
               region: 'us-east-1', gpgCredentialsId: 'rpm-gpg-key', validateImage: 'rockylinux:9',
               dockerArgs: '', out: 'rpm-release-out', bucket: env.RPM_RELEASE_BUCKET, emulateAarch64: false] + args
    cfg.pr = env.CHANGE_ID ? true : false
    if (!cfg.pr) {
        String tag = cfg.tag == null ? '' : cfg.tag.toString()
        if (!(tag ==~ TAG_PATTERN)) {
            error("rpmRelease: invalid tag '" + tag.replaceAll(/[^\x20-\x7e]/, '?')
                    + "': expected vMAJOR.MINOR.PATCH[-PRERELEASE], e.g. v1.14.1 or v1.14.1-rc.2")
        }
        cfg.tag = tag
        if (!cfg.bucket) {
            error('rpmRelease: bucket is required for a release build (the S3 bucket the RPMs are published to)')
        }
        if (!cfg.gpgCredentialsId) {
            error('rpmRelease: gpgCredentialsId is required for a release build (a File credential with the armored key)')
        }
    }
    if (!(cfg.archs instanceof List) || cfg.archs.isEmpty()) {
        error('rpmRelease: archs must be a non-empty list of ' + KNOWN_ARCHS.join(', '))
    }
    for (int i = 0; i < cfg.archs.size(); i++) {
        if (!KNOWN_ARCHS.contains(cfg.archs[i] as String)) {
            error("rpmRelease: unknown arch '" + cfg.archs[i] + "': use " + KNOWN_ARCHS.join(' or '))
        }
    }
    if (!(cfg.out ==~ /[A-Za-z0-9_-][A-Za-z0-9._-]*/)) {
        error("rpmRelease: out must be a plain directory name inside the workspace, not '" + cfg.out + "'")
    }
    if (!(cfg.emulateAarch64 instanceof Boolean)) {
        error("rpmRelease: emulateAarch64 must be true or false, not '" + cfg.emulateAarch64 + "'")
    }
    return cfg
}

/**
 * One architecture on its own agent: checkout (the tag itself for release builds), the upstream build as a durable
 * sh in the builder container, packaging (rpmBuild) and signing (rpmSign) there, then the release directory is
 * stashed for validation and publishing. Returns the built commit.
 */
private String buildArch(Map cfg, String arch) {
    String commit = null
    node(agentLabel(cfg, arch)) {
        Map scmVars = null
        stage('checkout ' + arch) {
            scmVars = cfg.pr ? checkout(scm) : checkoutTag(cfg.tag)
        }
        commit = scmVars == null || scmVars.GIT_COMMIT == null ? '' : scmVars.GIT_COMMIT.toString()
        if (!(commit ==~ /[0-9a-f]{40}/)) {
            error('rpmRelease: checkout did not report the commit (GIT_COMMIT); use a Git SCM')
        }
        String tag = releaseTag(cfg, commit)
        String out = cfg.out + '/' + arch

        def image = builderImage(cfg, arch)
        image.inside(cfg.dockerArgs) {
            stage('build ' + arch) {
                String epoch = sh(script: 'git log -1 --format=%ct HEAD', returnStdout: true).trim()
                withEnv(['SOURCE_DATE_EPOCH=' + epoch]) {
                    sh(script: BUILD_SCRIPT, label: 'build avalanchego and subnet-evm (' + arch + ')')
                }
                // packaging only: fast and deterministic; checks the tag names the built commit (release builds).
                // A pull-request smoke build is thrown away: zstd-3, not the release's zstd-19 (docs/performance.md)
                Map build = [preset: cfg.preset, tag: tag, arch: arch, out: out]
                rpmBuild(cfg.pr ? build + [compression: 'zstd:3'] : build)
            }
            stage('sign ' + arch) {
                if (cfg.pr) {
                    rpmSign(ephemeral: true, dir: out)
                } else {
                    rpmSign(signingKey(cfg) + [release: true, dir: out])
                }
            }
        }
        stash(name: stashName(arch), includes: out + '/**')
    }
    return commit
}

/**
 * Validates one arch's release (the stashed release directory before publishing, s3://... after) on an agent of that
 * arch, or with emulateAarch64 on an x86_64 agent under qemu; records the JUnit report even when validation fails,
 * without letting the recording hide the real failure.
 */
private void validateArch(Map cfg, String arch, String commit, String from, String report) {
    boolean published = from.startsWith('s3://')
    String label = validationLabel(cfg, arch)
    node(label) {
        String junitFile = cfg.out + '/' + report
        String phase = published ? 'validate published ' : 'validate '
        if (arch == 'aarch64' && cfg.emulateAarch64) {
            echo('rpmRelease: validating aarch64 on ' + label + ' under qemu emulation (emulateAarch64: true): '
                    + 'proves packaging, install and startup, not behaviour on aarch64 hardware')
        }
        Throwable failure = null
        try {
            stage(phase + arch) {
                Map args = [from: from, image: cfg.validateImage, commit: commit, tag: releaseTag(cfg, commit),
                            arch: arch, junit: junitFile]
                if (published) {
                    withAWS(awsSettings(cfg)) {
                        rpmValidate(args)
                    }
                } else {
                    dir(cfg.out + '/' + arch) {
                        deleteDir()
                    }
                    unstash(stashName(arch))
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

/** Publishes every arch's validated release (unstashed on one agent) inside withAWS, then archives it. */
private void publish(Map cfg) {
    node(agentLabel(cfg, cfg.archs[0] as String)) {
        stage('publish') {
            for (int i = 0; i < cfg.archs.size(); i++) {
                dir(cfg.out + '/' + cfg.archs[i]) {
                    deleteDir()
                }
                unstash(stashName(cfg.archs[i] as String))
            }
            withAWS(awsSettings(cfg)) {
                // Runs no code from the checkout: only the plugin's publish step. The same key signs each
                // repodata/repomd.xml, on the controller (the agent sends the bytes, gets the signature).
                for (int i = 0; i < cfg.archs.size(); i++) {
                    rpmPublish([bucket: cfg.bucket, prefix: cfg.prefix, force: cfg.force,
                                dir: cfg.out + '/' + cfg.archs[i]] + signingKey(cfg))
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

private String releaseTag(Map cfg, String commit) {
    return cfg.pr ? 'v0.0.0-pr.' + commit.substring(0, 12) : cfg.tag
}

private String agentLabel(Map cfg, String arch) {
    return cfg.agentLabel.toString().replace('${arch}', arch)
}

/** Where an arch is validated: its own agents, or x86_64 agents (qemu) for aarch64 with emulateAarch64. */
private String validationLabel(Map cfg, String arch) {
    return agentLabel(cfg, arch == 'aarch64' && cfg.emulateAarch64 ? 'x86_64' : arch)
}

private String stashName(String arch) {
    return 'rpm-release-' + arch
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

/** The release key's credential IDs, as rpmSign and rpmPublish take them (release builds only). */
private Map signingKey(Map cfg) {
    Map key = [credentialsId: cfg.gpgCredentialsId]
    if (cfg.passphraseCredentialsId) {
        key.passphraseCredentialsId = cfg.passphraseCredentialsId
    }
    return key
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

private String s3Destination(Map cfg) {
    return 's3://' + cfg.bucket + (cfg.prefix ? '/' + cfg.prefix : '')
}
