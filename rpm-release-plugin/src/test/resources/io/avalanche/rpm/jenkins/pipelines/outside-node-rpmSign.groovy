// StepConfigTest: every step that works on files needs a node
rpmSign(key: ephemeral())
