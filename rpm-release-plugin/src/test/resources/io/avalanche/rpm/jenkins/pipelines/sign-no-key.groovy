// RpmSignStepTest: no key at all
node('@@LABEL@@') {
  rpmSign()
}
