// RpmPublishStepTest: rpmPublish unlocks its key before anything is uploaded
node('@@LABEL@@') {
  rpmSign(key: ephemeral())
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    rpmPublish(bucket: 'rpms', key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: '@@PASS_ID@@'))
  }
}
