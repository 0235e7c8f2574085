// RpmSignStepTest: a release key without tag and arch is refused before the agent is asked for anything
node('@@LABEL@@') {
  rpmSign(key: keyFile(credentialsId: 'rpm-gpg-key'), release: true)
}
