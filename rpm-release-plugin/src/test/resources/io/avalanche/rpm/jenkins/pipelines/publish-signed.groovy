// RpmPublishStepTest: the release key signs the packages (rpmSign) and the repository metadata (rpmPublish)
node('@@LABEL@@') {
  rpmSign(key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: '@@PASS_ID@@'), release: true,
          tag: 'v1.14.1', arch: 'x86_64')
  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '@@ENDPOINT@@') {
    def r = rpmPublish(bucket: 'rpms', prefix: '@@PREFIX@@', layout: '@@LAYOUT@@',
                       key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: '@@PASS_ID@@'))
    echo "signed=${r.signed} repos=${r.repositories.size()} repoSigned=${r.repositories[0].signed} repoFile=${r.repoFile}"
  }
}
