// LifecycleStepTest: an ephemeral key never signs for s3:// (rpm-core's key rules), refused before any work
rpmYank(to: 's3://rpms', tag: 'v1.14.1', reason: 'trial', key: ephemeral())
