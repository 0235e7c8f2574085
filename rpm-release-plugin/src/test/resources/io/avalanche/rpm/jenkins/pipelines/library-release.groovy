// SharedLibraryTest: the repository's library in a real Jenkins
@Library('rpm-release') _
withEnv(['RPM_RELEASE_BUCKET=rpms']) { rpmRelease('@@TAG@@') }
