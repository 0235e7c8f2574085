// StepConfigTest: every step that works on files needs a node
rpmValidate(from: 'out', commit: '0123456789abcdef0123456789abcdef01234567', tag: 'v1.14.1')
