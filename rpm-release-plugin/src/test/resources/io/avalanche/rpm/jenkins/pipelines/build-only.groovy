// RpmBuildStepTest: rpmBuild without the upstream build before it
node('@@LABEL@@') {
  rpmBuild(tag: 'v1.14.1')
}
