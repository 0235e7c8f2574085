// RpmValidateStepTest: build, sign (ephemeral), then install and smoke-test in a fresh container of the target image
node('@@LABEL@@') {
  sh '@@BUILD_SCRIPT@@'
  def r = rpmBuild(tag: 'v1.14.1')
  rpmSign(key: ephemeral())
  def v = rpmValidate(from: 'rpm-release-out', image: '@@IMAGE@@', commit: '@@COMMIT@@' ?: r.commit, tag: 'v1.14.1',
                      arch: r.arch, junit: 'validate.xml')
  echo "passed=${v.passed} release=${v.release} failedChecks=${v.checks.findAll { it.status == 'failed' }.size()}"
  echo "passedChecks=${v.checks.findAll { it.status == 'passed' }.size()}"
}
