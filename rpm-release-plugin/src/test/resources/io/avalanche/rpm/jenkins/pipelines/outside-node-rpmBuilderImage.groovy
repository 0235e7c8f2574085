// StepConfigTest: every step that works on files needs a node
rpmBuilderImage(arch: 'x86_64')
