// RpmPublishStepTest: outside withAWS the step has no credentials
node('@@LABEL@@') {
  rpmSign(key: ephemeral())
  withEnv(['AWS_ENDPOINT_URL=@@ENDPOINT@@', 'AWS_REGION=us-east-1']) { rpmPublish(bucket: 'rpms') }
}
