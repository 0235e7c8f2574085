// RpmBuildStepTest: a respin of v1.14.1 as RPM Release 2
node('@@LABEL@@') {
  withEnv(['SOURCE_DATE_EPOCH=1700000000']) { sh '@@BUILD_SCRIPT@@' }
  def r = rpmBuild(tag: 'v1.14.1', release: '2', compression: 'gzip')
  echo "release=${r.release} first=${r.files[0].name}"
}
