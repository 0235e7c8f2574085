// RpmPublishStepTest: rpm-core's key rules refuse an ephemeral key for an s3:// destination
node('@@LABEL@@') {
  rpmSign(key: ephemeral())
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    rpmPublish(bucket: 'rpms', key: ephemeral())
  }
}
