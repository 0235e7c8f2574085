// LifecycleStepTest: rpmPrune on the controller (no node); the release key signs the rewritten metadata
def r = rpmPrune(to: '@@TO@@', keep: Integer.parseInt('@@KEEP@@'), channels: '@@CHANNELS@@',
                 apply: '@@APPLY@@' == 'true',
                 key: keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass'))
echo "applied=${r.applied} keep=${r.keep} keys=${r.keySet()} deleted=${r.deleted.size()}"
echo "repositories=${r.repositories.size()} pruned=${r.repositories[0].pruned.collect { it.evr }}"
