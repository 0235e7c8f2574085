// RpmSignStepTokenTest: a pkcs11 key without its certificate is a configuration error
node('@@LABEL@@') {
  rpmSign(key: pkcs11(module: '@@MODULE@@', token: 'release', key: 'rpm', pinCredentialsId: 'token-pin'),
          release: true, tag: 'v1.14.1', arch: 'x86_64')
}
