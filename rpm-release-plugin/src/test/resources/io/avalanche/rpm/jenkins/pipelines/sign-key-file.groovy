// RpmSignStepTest: the release key from a File credential (and a Secret text passphrase), signing approval on
node('@@LABEL@@') {
  def r = rpmSign(key: keyFile(credentialsId: '@@KEY_ID@@', passphraseCredentialsId: '@@PASS_ID@@'), release: true,
                  tag: '@@TAG@@', arch: 'x86_64', vmId: '@@VM_ID@@')
  echo "signed=${r.files.size()} ephemeral=${r.ephemeral} fingerprint=${r.fingerprint} keyId=${r.keyId}"
  echo "nevra=${r.files.collect { it.nevra }}"
}
