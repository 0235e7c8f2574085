// RpmBuildStepTest: the builder image for the workspace's go.mod
node('@@LABEL@@') {
  def i = rpmBuilderImage(arch: 'aarch64')
  echo "tag=${i.tag} go=${i.goVersion} args=${i.buildArgs}"
}
