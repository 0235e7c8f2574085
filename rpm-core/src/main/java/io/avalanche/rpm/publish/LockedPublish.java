package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.ObjectStore;

import java.util.List;

/**
 * The publish strategy for a store with an exclusive lock (file:): every package is checked and hashed first, before
 * the lock is taken (a refused publish leaves no trace, not even a lock file), then the destination is read and
 * written under the lock.
 */
final class LockedPublish {
    private LockedPublish() {
    }

    static Publisher.Result run(PublishRun run, ReleaseScan release) {
        List<PublishRun.Item> items = run.checked(release, true);
        try (ObjectStore.Lock lock = run.store.lock(run.options.lockWait())) {
            PublishRun.Remote remote = run.read(release);
            return new IndexCompletion(run).signAndComplete(run.prepare(items, remote), remote.repoFile());
        }
    }
}
