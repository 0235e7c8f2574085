package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.MetadataException;
import io.avalanche.rpm.yum.Repomd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a repository's repodata/ no longer needs once a new index is written: content-addressed metadata files
 * ({@code <sha256>-*}) that neither the new index nor the one it replaced names, and replacement markers
 * ({@link Replacements}) older than any publish runs. Without an exclusive lock only files older than the grace go: a
 * younger one may belong to a publish in flight.
 */
final class MetadataCleanup {
    private MetadataCleanup() {
    }

    /** Removes them from {@code repodata} (a listing of {@code dir}'s repodata/ made after the index was written). */
    static List<String> removeOrphans(ObjectStore store, String dir, Consumer<String> log, YumRepository.Pending p,
                                      List<String> written, java.time.Duration staleAfter,
                                      List<StoredObject> repodata) {
        Set<String> keep = new HashSet<>(written);
        keep.addAll(p.previous());
        try {
            Repomd current = Repomd.parse(p.repomd(), store.describe(dir + YumRepository.REPOMD));
            current.entries().forEach(e -> keep.add(dir + e.href()));
        } catch (MetadataException e) {
            return List.of();
        }
        java.time.Instant cutoff = java.time.Instant.now().minus(staleAfter);
        List<String> removed = new ArrayList<>();
        for (StoredObject o : repodata) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
            if (Replacements.fileOf(name) != null && o.key().equals(Layout.repodata(dir) + name)
                    && o.lastModified() != null && o.lastModified().isBefore(cutoff)) {
                // a replacement marker older than any publish: this one re-read the entry it marks (phase 1)
                store.delete(o.key());
                removed.add(o.key());
                continue;
            }
            if (keep.contains(o.key()) || !name.matches("[0-9a-f]{64}-.+")
                    || !o.key().equals(Layout.repodata(dir) + name)) {
                continue;
            }
            if (!store.exclusive() && (o.lastModified() == null || o.lastModified().isAfter(cutoff))) {
                continue;
            }
            store.delete(o.key());
            removed.add(o.key());
        }
        if (!removed.isEmpty()) {
            log.accept("repository " + store.describe(dir) + ": removed " + removed.size()
                    + " unreferenced metadata file(s) of earlier or losing publishes");
        }
        return removed;
    }
}
