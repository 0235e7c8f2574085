// RpmValidateStepTest: where a release is read from, relative to the workspace
node('@@LABEL@@') {
  rpmValidate(from: '@@FROM@@', commit: '0123456789abcdef0123456789abcdef01234567', tag: 'v1.14.1', arch: 'x86_64')
}
