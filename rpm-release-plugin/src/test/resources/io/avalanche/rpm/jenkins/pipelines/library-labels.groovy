// SharedLibraryTest: the library refuses label settings that would let pull-request agents build releases
@Library('rpm-release') _
rpmRelease(tag: 'v1.14.1', bucket: 'rpms', agentLabel: '@@AGENT_LABEL@@', prAgentLabel: '@@PR_AGENT_LABEL@@')
