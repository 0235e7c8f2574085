// RpmSignStepTest and RpmPublishStepTest: an ephemeral key (pull-request smoke builds), in directory DIR
node('@@LABEL@@') {
  def r = rpmSign(key: ephemeral(), dir: '@@DIR@@')
  echo "ephemeral=${r.ephemeral} signed=${r.files.size()}"
}
