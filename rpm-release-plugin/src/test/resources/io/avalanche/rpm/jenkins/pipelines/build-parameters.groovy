// RpmBuildStepTest: every parameter is checked before any work (empty strings mean the step's defaults)
node('@@LABEL@@') {
  rpmBuild(tag: '@@TAG@@', pullRequest: '@@PULL_REQUEST@@' == 'true', preset: '@@PRESET@@', arch: '@@ARCH@@',
           compression: '@@COMPRESSION@@', release: '@@RELEASE@@')
}
