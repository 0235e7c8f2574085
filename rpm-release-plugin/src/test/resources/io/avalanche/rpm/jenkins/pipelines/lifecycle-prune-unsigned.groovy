// LifecycleStepTest: applying a prune without a key to a signed repository
rpmPrune(to: '@@TO@@', keep: 1, apply: true)
