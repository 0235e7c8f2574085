// RpmPublishStepTest: rpmPublish inside withAWS, against S3Proxy
node('@@LABEL@@') {
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    def r = rpmPublish(bucket: 'rpms', force: '@@FORCE@@' == 'true')
    echo "objects=${r.objects.size()} first=${r.objects[0].status} destination=${r.destination} repoFile=${r.repoFile}"
  }
}
