// RpmPublishStepTest: an ephemeral-signed release published with unsigned metadata
node('@@LABEL@@') {
  rpmSign(key: ephemeral())
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    def r = rpmPublish(bucket: 'rpms')
    echo "objects=${r.objects.size()} first=${r.objects[0].status} destination=${r.destination} repoFile=${r.repoFile}"
  }
}
