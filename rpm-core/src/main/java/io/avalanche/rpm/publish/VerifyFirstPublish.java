package io.avalanche.rpm.publish;

import io.avalanche.rpm.Futures;
import io.avalanche.rpm.store.ObjectStore;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The publish strategy for a store without an exclusive lock (S3) whose packages cannot stream (release.json does not
 * declare every SHA-256, or a package needs parallel parts): the packages are verified and hashed while the
 * destination is read; nothing is written before every package passed.
 */
final class VerifyFirstPublish {
    private VerifyFirstPublish() {
    }

    static Publisher.Result run(PublishRun run, ReleaseScan release) {
        CompletableFuture<List<PublishRun.Item>> verified = CompletableFuture.supplyAsync(
                () -> run.checked(release, true), PublishRun.CHECKS);
        PublishRun.Remote remote;
        try {
            remote = run.read(release);
        } catch (RuntimeException e) {
            Futures.join(verified);   // a failed check explains more than a failed read
            throw e;
        }
        List<PublishRun.Item> items = Futures.join(verified);
        try (ObjectStore.Lock lock = run.store.lock(run.options.lockWait())) {
            return new IndexCompletion(run).signAndComplete(run.prepare(items, remote), remote.repoFile());
        }
    }
}
