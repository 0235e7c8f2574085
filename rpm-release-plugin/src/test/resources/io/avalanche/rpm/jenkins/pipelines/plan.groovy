// StepConfigTest: rpmPlan needs no node; it answers what rpm-core decides
def p = rpmPlan(tag: '@@TAG@@', pullRequest: '@@PULL_REQUEST@@' == 'true', archs: '@@ARCHS@@')
echo "tag=${p.tag} archs=${p.archs} compression=${p.compression} publish=${p.publish} stages=${p.stages.collect { it.name }}"
