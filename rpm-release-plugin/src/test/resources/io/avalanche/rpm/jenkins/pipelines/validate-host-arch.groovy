// RpmBuildStepTest: rpmValidate without arch takes the agent's, and says which step failed to read it
node('@@LABEL@@') {
  rpmValidate(from: 'out', commit: '0123456789abcdef0123456789abcdef01234567', tag: 'v1.14.1')
}
