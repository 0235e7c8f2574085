// RpmPublishStepTest: a release signed with the release key, published with unsigned metadata (no key: for rpmPublish)
node('@@LABEL@@') {
  rpmSign(key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass'), release: true,
          tag: 'v1.14.1', arch: 'x86_64')
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    def r = rpmPublish(bucket: 'rpms')
    echo "objects=${r.objects.size()} first=${r.objects[0].status} destination=${r.destination} repoFile=${r.repoFile}"
  }
}
