// RpmPublishStepTest: rpmPublish's own ephemeral key is not the key the packages were signed with
node('@@LABEL@@') {
  rpmSign(key: ephemeral())
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    rpmPublish(bucket: 'rpms', key: ephemeral())
  }
}
