// LifecycleStepTest: rpmUnyank on the controller (no node)
def r = rpmUnyank(to: '@@TO@@', tag: '@@TAG@@', dryRun: '@@DRY_RUN@@' == 'true',
                  key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass'))
echo "action=${r.action} tag=${r.tag} applied=${r.applied} reason=${r.reason} repositories=${r.repositories.size()}"
