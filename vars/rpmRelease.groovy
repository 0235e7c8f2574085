// rpmRelease: builds, signs, publishes and validates the avalanchego / subnet-evm RPMs, one parallel branch
// per architecture. Thin on purpose: every decision lives in the rpm-release plugin steps (rpm-core).
// Usage: rpmRelease('v1.14.1') or rpmRelease(tag: 'v1.14.1', bucket: 'my-bucket', ...); see rpmRelease.txt.

import groovy.transform.Field

@Field static final String TAG_PATTERN = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/
@Field static final List<String> KNOWN_ARCHS = ['x86_64', 'aarch64']
@Field static final List<String> KNOWN_KEYS = ['tag', 'archs', 'agentLabel', 'image', 'dockerArgs', 'preset',
        'bucket', 'prefix', 'force', 'awsCredentials', 'role', 'region', 'endpointUrl', 'gpgCredentialsId',
        'passphraseCredentialsId', 'validateImage', 'out']

def call(String tag) {
    return call([tag: tag])
}

def call(Map args) {
    Map cfg = settings(args == null ? [:] : args)
    // Everything above validated the input without touching an agent; only now are nodes allocated.
    Map branches = [:]
    for (int i = 0; i < cfg.archs.size(); i++) {
        String arch = cfg.archs[i]
        branches[arch] = { releaseArch(cfg, arch) }
    }
    parallel(branches)
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
               dockerArgs: '', out: 'rpm-release-out', bucket: env.RPM_RELEASE_BUCKET] + args
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
    return cfg
}

/** One architecture: checkout, build + sign in the builder container, publish + validate, record results. */
private void releaseArch(Map cfg, String arch) {
    String label = cfg.agentLabel.toString().replace('${arch}', arch)
    node(label) {
        Map scmVars = null
        stage('checkout ' + arch) {
            scmVars = checkout(scm)
        }
        String commit = scmVars == null || scmVars.GIT_COMMIT == null ? '' : scmVars.GIT_COMMIT.toString()
        if (!(commit ==~ /[0-9a-f]{40}/)) {
            error('rpmRelease: checkout did not report the commit (GIT_COMMIT); use a Git SCM')
        }
        String tag = cfg.pr ? 'v0.0.0-pr.' + commit.substring(0, 12) : cfg.tag
        String out = cfg.out + '/' + arch
        String junitFile = cfg.out + '/rpm-validate-' + arch + '.xml'

        def image = builderImage(cfg, arch)
        image.inside(cfg.dockerArgs) {
            stage('build ' + arch) {
                rpmBuild(preset: cfg.preset, tag: tag, arch: arch, out: out)
            }
            stage('sign ' + arch) {
                if (cfg.pr) {
                    rpmSign(ephemeral: true, dir: out)
                } else {
                    rpmSign(signingKey(cfg) + [release: true, dir: out])
                }
            }
        }

        try {
            if (cfg.pr) {
                // Pull requests: nothing is uploaded and no credentials are bound; validate the local release dir.
                stage('validate ' + arch) {
                    rpmValidate(from: out, image: cfg.validateImage, commit: commit, tag: tag, arch: arch, junit: junitFile)
                }
            } else {
                withAWS(awsSettings(cfg)) {
                    // Runs no code from the checkout: only the publish/validate steps of the plugin. The same key
                    // signs repodata/repomd.xml, on the controller (the agent sends the bytes, gets the signature).
                    stage('publish ' + arch) {
                        rpmPublish([bucket: cfg.bucket, prefix: cfg.prefix, force: cfg.force, dir: out] + signingKey(cfg))
                    }
                    stage('validate ' + arch) {
                        rpmValidate(from: s3Destination(cfg), image: cfg.validateImage, commit: commit, tag: tag,
                                arch: arch, junit: junitFile)
                    }
                }
            }
        } finally {
            junit(junitFile)
        }
        if (!cfg.pr) {
            archiveArtifacts(artifacts: out + '/**', fingerprint: true)
        }
    }
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
