package io.avalanche.rpm.publish;

import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.format.Evr;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.PackageMetadata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The metadata rewrites of repositories that already exist (prune, yank, unyank): what each repository of a layout
 * stores, and its metadata computed again from its packages minus those left out, stored, signed and indexed as a
 * publish does it (new files first, then repomd.xml.asc and repomd.xml, the replaced generation kept for readers in
 * flight). Objects are never deleted here: a caller deletes packages only after the index that no longer names them.
 */
public final class RepositoryRewrite {
    private static final byte[] PROBE = "rpm-release: which key signs repomd.xml?\n".getBytes(StandardCharsets.UTF_8);
    private final ObjectStore store;
    private final Layout layout;
    private final DetachedSigner signer;
    private final long timestamp;
    private final Consumer<String> log;

    /** One yum repository of the layout: its directory, channel and arch. */
    public record Repository(String dir, Channel channel, String arch) {
    }

    /** A package object of a repository, what its header says, and whether the current metadata lists it. */
    public record StoredPackage(String key, String file, String name, Evr evr, String arch, long size,
                                boolean listed) {
    }

    /** @param signer signs each rewritten repomd.xml (null: only unsigned repositories can be rewritten) */
    public RepositoryRewrite(ObjectStore store, Layout layout, DetachedSigner signer, long timestamp,
                             Consumer<String> log) {
        this.store = store;
        this.layout = layout;
        this.signer = signer;
        this.timestamp = timestamp;
        this.log = log;
    }

    /** Every repository of the layout that has an index, every channel and arch, in order. */
    public List<Repository> repositories() {
        Map<String, Repository> out = new TreeMap<>();
        for (StoredObject o : store.list(layout.root())) {
            if (!o.key().endsWith("/" + Layout.REPOMD)) {
                continue;
            }
            String dir = o.key().substring(0, o.key().length() - Layout.REPOMD.length());
            layout.channelOf(dir).ifPresent(c -> {
                String arch = dir.substring(layout.channelDir(c).length(), dir.length() - 1);
                out.put(dir, new Repository(dir, c, arch));
            });
        }
        return List.copyOf(out.values());
    }

    /** Every package stored in a repository: from its metadata where it lists them, from their headers otherwise. */
    public List<StoredPackage> packages(String dir) {
        YumRepository y = new YumRepository(store, dir, null, timestamp, log, null);
        RepositoryState state = y.read();
        Map<String, PackageMetadata> known = state.known(y);
        List<StoredPackage> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : state.listed().entrySet()) {
            PackageMetadata k = known.get(e.getKey());
            boolean listed = k != null && k.packageSize() == e.getValue();
            PackageMetadata m = listed ? k : y.readRemote(e.getKey(), e.getValue());
            long epoch = m.epoch() == null || m.epoch().isEmpty() ? 0 : Long.parseLong(m.epoch());
            out.add(new StoredPackage(dir + e.getKey(), e.getKey(), m.name(), new Evr(epoch, m.version(), m.release()),
                    m.arch(), e.getValue(), listed));
        }
        return out;
    }

    /**
     * Refuses a signer whose signature the published key does not verify, and a missing signer for a signed
     * repository (rewriting it would drop its signature): before anything is written.
     */
    public void check(List<String> dirs) {
        if (signer != null) {
            RepositoryKey key = new PublishGate(store, layout, log).publishedKey(layout.keyFile());
            String why = key.checkDetached(PROBE, signer.signDetached(PROBE));
            if (why != null) {
                throw new PublishCheckException("the key given to sign repodata/repomd.xml disagrees with "
                        + key.source() + ": its signature is " + why + ". Pass the --key whose public key is "
                        + "published. Nothing was changed.");
            }
            return;
        }
        List<String> signed = dirs.stream().filter(d -> store.head(Layout.repomdSignature(d)).isPresent())
                .map(d -> store.describe(Layout.repomdSignature(d))).toList();
        if (!signed.isEmpty()) {
            throw new PublishException("the repository metadata is signed (" + String.join(", ", signed) + "): "
                    + "rewriting it needs the release key to sign it again; pass --key. Nothing was changed.");
        }
    }

    /**
     * Rewrites one repository's metadata to list every package stored there except {@code excluded} (object keys),
     * signed with this rewrite's signer; an index that would not change is left as it is. Throws
     * {@link io.avalanche.rpm.store.ConcurrentWriteException} when a publish changed the index meanwhile.
     */
    public YumRepository.Result rewrite(String dir, Set<String> excluded) {
        try (Parallel io = new Parallel(Parallel.THREADS)) {
            YumRepository y = new YumRepository(store, dir, null, timestamp, log, io).excluding(excluded);
            YumRepository.Computed c = y.compute(y.read(), Map.of());
            y.store(c);
            YumRepository.Pending p = c.pending();
            RepositoryKey key = signer == null ? null : new PublishGate(store, layout, log)
                    .publishedKey(layout.keyFile());
            YumRepository.Result r = y.completeIndex(p, signer == null ? null : signer.signDetached(p.repomd()), key,
                    false);
            List<String> removed = new ArrayList<>(r.removed());
            removed.addAll(y.removeOrphans(p, r.written(), YumRepository.ORPHAN_GRACE));
            return new YumRepository.Result(dir, r.packages(), r.reused(), r.readRemotely(), r.written(), removed);
        }
    }

    /** Deletes package objects (after {@link #rewrite} wrote an index that no longer names them). */
    public void delete(List<String> keys) {
        for (String k : keys) {
            store.delete(k);
        }
    }

    /** For messages. */
    public String describe(String key) {
        return store.describe(key);
    }

    /** Excludes other writers of a locked store (file:) for the operation; a no-op on S3. */
    public ObjectStore.Lock lock(Duration wait) {
        return store.lock(wait);
    }
}
