// StepConfigTest: every step that works on files needs a node
rpmBuild(tag: 'v1.14.1')
