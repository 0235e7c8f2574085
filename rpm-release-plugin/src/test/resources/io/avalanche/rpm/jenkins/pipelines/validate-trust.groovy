// RpmValidateStepTest: what a published location is judged against: a public key file, the published key, or nothing
node('@@LABEL@@') {
  def v = rpmValidate(from: '@@FROM@@', image: '@@IMAGE@@', commit: '@@COMMIT@@', tag: 'v1.14.1', arch: 'x86_64',
                      publicKey: '@@PUBLIC_KEY@@', trustPublishedKey: '@@TRUST@@' == 'true', junit: 'validate.xml')
  echo "passed=${v.passed} warnings=${v.warnings.size()} failed=${v.checks.findAll { it.status == 'failed' }.collect { it.check }}"
}
