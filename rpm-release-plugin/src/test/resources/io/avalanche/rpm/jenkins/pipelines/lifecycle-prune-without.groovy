// LifecycleStepTest: rpmPrune without keep (refused before any work), or applied without a key
rpmPrune(to: '@@TO@@', apply: '@@APPLY@@' == 'true')
