// RpmValidateStepTest: an ephemeral key cannot be the expected key
node('@@LABEL@@') {
  rpmValidate(from: '@@FROM@@', commit: '0123456789abcdef0123456789abcdef01234567', tag: 'v1.14.1', arch: 'x86_64',
              key: ephemeral())
}
