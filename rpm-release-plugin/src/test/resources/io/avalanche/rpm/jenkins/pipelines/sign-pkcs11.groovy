// RpmSignStepTokenTest: the release key inside a PKCS#11 token loaded on the controller
node('@@LABEL@@') {
  def r = rpmSign(key: pkcs11(module: '@@MODULE@@', token: '@@TOKEN@@', key: '@@KEY@@', pinCredentialsId: '@@PIN_ID@@',
                              certificateId: 'token-cert'),
                  release: true, tag: 'v1.14.1', arch: 'x86_64')
  echo "signed=${r.files.size()} holder=${r.keyHolder}"
}
