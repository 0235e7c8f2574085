// RpmPublishStepTest: an ephemeral-signed release to s3:// (rpm-core refuses it: customers could never verify it)
node('@@LABEL@@') {
  rpmSign(key: ephemeral())
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    def r = rpmPublish(bucket: 'rpms')
    echo "objects=${r.objects.size()} first=${r.objects[0].status} destination=${r.destination} repoFile=${r.repoFile}"
  }
}
