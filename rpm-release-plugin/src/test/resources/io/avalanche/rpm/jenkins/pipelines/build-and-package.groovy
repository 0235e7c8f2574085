// RpmBuildStepTest: the upstream build as a durable sh (as the library runs it), then rpmBuild packages its output
node('@@LABEL@@') {
  withEnv(['SOURCE_DATE_EPOCH=1700000000']) { sh '@@BUILD_SCRIPT@@' }
  def r = rpmBuild(tag: '@@TAG@@', compression: '@@COMPRESSION@@')
  echo "tag=${r.tag} arch=${r.arch} commit=${r.commit} files=${r.files.size()} vmId=${r.vmId} compression=${r.compression}"
  echo "version=${r.version} release=${r.release} first=${r.files[0].name} package=${r.files[0].packageName}"
}
