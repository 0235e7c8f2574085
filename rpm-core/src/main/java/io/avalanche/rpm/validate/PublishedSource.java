package io.avalanche.rpm.validate;

import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.ObjectStore;

import java.nio.file.Path;
import java.util.Optional;

/** A published tree (S3 or file:) read through its store in a {@link Layout}: packages, key and repository metadata. */
record PublishedSource(ObjectStore store, String describe, Layout layout, boolean owned) implements ReleaseSource {

    @Override
    public Path copyPackage(ReleaseRef ref, String file, Path target) {
        return download(layout.packageKey(ref.channel(), ref.rpmArch(), file), target);
    }

    @Override
    public Path copyKey(Path target) {
        return download(layout.keyFile(), target);
    }

    private Path download(String key, Path target) {
        if (store.head(key).isEmpty()) {
            throw new ValidationException(store.describe(key)
                    + " not found: publish the release first or fix --from/--tag/--arch");
        }
        store.download(key, target);
        return target;
    }

    @Override
    public Optional<ObjectStore> publishedStore() {
        return Optional.of(store);
    }

    @Override
    public void close() {
        if (owned) {
            store.close();
        }
    }
}
