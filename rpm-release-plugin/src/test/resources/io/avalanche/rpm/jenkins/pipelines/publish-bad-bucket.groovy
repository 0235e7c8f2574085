// RpmPublishStepTest: rpm-core refuses a bad bucket or prefix before any work
node('@@LABEL@@') {
  rpmPublish(bucket: '@@BUCKET@@', prefix: '@@PREFIX@@')
}
