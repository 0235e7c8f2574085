// StepConfigTest: every step that works on files needs a node
rpmPublish(bucket: 'b')
