// RpmBuildStepTest: rpmBuilderImage without arch takes the agent's
node('@@LABEL@@') {
  rpmBuilderImage()
}
