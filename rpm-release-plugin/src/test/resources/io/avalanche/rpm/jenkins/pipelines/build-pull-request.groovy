// RpmBuildStepTest: a pull-request smoke build takes its tag from the commit and rpm-core's fast compression
node('@@LABEL@@') {
  withEnv(['SOURCE_DATE_EPOCH=1700000000']) { sh '@@BUILD_SCRIPT@@' }
  def r = rpmBuild(pullRequest: true)
  echo "tag=${r.tag} version=${r.version} compression=${r.compression} files=${r.files.size()}"
}
