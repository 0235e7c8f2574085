package io.avalanche.rpm.release;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.validate.FetchedRelease;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.ValidationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Validation source reading a published release from any object store (S3 or file:), key included. */
public final class StoreReleaseSource implements ReleaseSource {
    private final ObjectStore store;
    private final String describe;

    public StoreReleaseSource(ObjectStore store, String describe) {
        this.store = store;
        this.describe = describe;
    }

    @Override
    public FetchedRelease fetch(ReleaseRef ref, Path workDir) {
        try {
            Path out = Files.createDirectories(workDir.resolve("release"));
            Map<String, Path> rpms = new LinkedHashMap<>();
            for (String name : ref.names()) {
                String key = Publisher.ROOT + ref.rpmArch() + "/" + ref.fileName(name);
                rpms.put(name, download(key, out.resolve(ref.fileName(name))));
            }
            Path keyFile = download(Publisher.ROOT + ReleaseManifest.KEY_FILE, out.resolve(ReleaseManifest.KEY_FILE));
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
    public java.util.Optional<ObjectStore> publishedStore() {
        return java.util.Optional.of(store);
    }

    @Override
    public String describe() {
        return describe;
    }
}
