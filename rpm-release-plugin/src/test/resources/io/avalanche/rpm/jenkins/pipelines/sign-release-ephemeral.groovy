// RpmSignStepTest: release: true refuses an ephemeral key
node('@@LABEL@@') {
  rpmSign(key: ephemeral(), release: true)
}
