// RpmValidateStepTest: the expected key is the public part of the release key the controller holds
node('@@LABEL@@') {
  def v = rpmValidate(from: '@@FROM@@', image: '@@IMAGE@@', commit: '@@COMMIT@@', tag: 'v1.14.1', arch: 'x86_64',
                      release: '@@RELEASE@@', trustPublishedKey: '@@TRUST@@' == 'true',
                      key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass'))
  echo "passed=${v.passed} release=${v.release} warnings=${v.warnings.size()}"
  echo "trust=${v.checks.findAll { it.check == 'published-key' }.collect { it.status }}"
}
