// RpmBuildStepTest: rpmBuild with the avalanchego-service package beside the two seed packages
node('@@LABEL@@') {
  withEnv(['SOURCE_DATE_EPOCH=1700000000']) { sh '@@BUILD_SCRIPT@@' }
  def r = rpmBuild(tag: '@@TAG@@', compression: 'gzip', withService: true)
  echo "files=${r.files.size()} names=${r.files.collect { it.name }}"
}
