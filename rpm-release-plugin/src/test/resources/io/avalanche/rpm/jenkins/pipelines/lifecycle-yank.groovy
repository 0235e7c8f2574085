// LifecycleStepTest: rpmYank on the controller (no node)
def r = rpmYank(to: '@@TO@@', tag: '@@TAG@@', reason: '@@REASON@@', release: '@@RELEASE@@',
                dryRun: '@@DRY_RUN@@' == 'true', layout: '@@LAYOUT@@',
                key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass'))
echo "action=${r.action} tag=${r.tag} applied=${r.applied} keys=${r.keySet()} repositories=${r.repositories.size()}"
