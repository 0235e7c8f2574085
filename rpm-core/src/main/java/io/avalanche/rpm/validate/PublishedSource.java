package io.avalanche.rpm.validate;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A published tree (S3 or file:) read through its store in a {@link Layout}: packages, key and repository metadata. */
final class PublishedSource implements ReleaseSource {
    private final ObjectStore store;
    private final String describe;
    private final Layout layout;
    private final boolean owned;

    PublishedSource(ObjectStore store, String describe, Layout layout, boolean owned) {
        this.store = store;
        this.describe = describe;
        this.layout = layout;
        this.owned = owned;
    }

    @Override
    public FetchedRelease fetch(ReleaseRef ref, Path workDir) {
        try {
            Path out = Files.createDirectories(workDir.resolve("release"));
            Map<String, Path> rpms = new LinkedHashMap<>();
            for (String name : ref.names()) {
                String file = ref.fileName(name);
                rpms.put(name, download(layout.packageKey(ref.rpmArch(), file), out.resolve(file)));
            }
            Path keyFile = download(layout.keyFile(), out.resolve(ReleaseManifest.KEY_FILE));
            return new FetchedRelease(rpms, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(describe + ": cannot download the release: " + e.getMessage(), e);
        }
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
    public Layout layout() {
        return layout;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        if (owned) {
            store.close();
        }
    }
}
