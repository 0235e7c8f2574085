package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoXml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Maintains the yum repository of one directory (e.g. {@code linux/rpms/x86_64/}) incrementally: existing
 * metadata + the packages just uploaded, reading only the headers (ranged GETs) of packages it does not
 * know. Writes the metadata files first, then repomd.xml.asc and repomd.xml, then removes the old files; in two
 * phases ({@link #prepare}, {@link #complete}) when the signature is made elsewhere.
 */
public final class YumRepository {
    public static final String REPOMD = Layout.REPOMD;
    /** The metadata documents, in the order of {@link io.avalanche.rpm.yum.RepoXml.Documents}. */
    static final List<String> TYPES = List.of("primary", "filelists", "other");

    final ObjectStore store;
    final String dir;
    private final DetachedSigner signer;
    final long timestamp;
    final Consumer<String> log;
    private final Parallel io;
    /** Object keys of packages stored here that the metadata must not list (yanked or being pruned). */
    final Set<String> excluded;

    /** What an update did: package count, packages read remotely, entries reused, files written/removed. */
    public record Result(String dir, int packages, int reused, int readRemotely, List<String> written,
                         List<String> removed) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Result {
            written = List.copyOf(written);
            removed = List.copyOf(removed);
        }
    }

    /**
     * @param dir directory key ending in '/', holding the .rpm files
     * @param signer signs repomd.xml; null writes no repomd.xml.asc (dnf then needs repo_gpgcheck=0)
     * @param timestamp seconds since the epoch for revision/timestamp (SOURCE_DATE_EPOCH in builds)
     */
    public YumRepository(ObjectStore store, String dir, DetachedSigner signer, long timestamp, Consumer<String> log) {
        this(store, dir, signer, timestamp, log, null);
    }

    /** As above, issuing independent requests concurrently on {@code io} (null: one after another). */
    YumRepository(ObjectStore store, String dir, DetachedSigner signer, long timestamp, Consumer<String> log,
                  Parallel io) {
        this(store, dir, signer, timestamp, log, io, Set.of());
    }

    private YumRepository(ObjectStore store, String dir, DetachedSigner signer, long timestamp, Consumer<String> log,
                          Parallel io, Set<String> excluded) {
        this.excluded = Set.copyOf(excluded);
        this.io = io;
        this.store = store;
        this.dir = dir.endsWith("/") ? dir : dir + "/";
        this.signer = signer;
        this.timestamp = timestamp;
        this.log = log;
    }

    /**
     * This repository with packages left out of its metadata (object keys: yanked, or about to be pruned); they stay
     * stored. A package just published that is excluded is not listed either.
     */
    public YumRepository excluding(Set<String> keys) {
        return new YumRepository(store, dir, signer, timestamp, log, io, keys);
    }

    /**
     * A metadata update whose new metadata files are stored but whose index is not written yet: the exact new
     * repomd.xml bytes (what a signer signs), the SHA-256 and store version tag of the repomd.xml it was computed
     * from and the tag of its repomd.xml.asc (null: there was none), whether the index is {@code unchanged} (then
     * {@code repomd} is the published bytes), the metadata keys of the generation it replaces (kept for readers in
     * flight), and the counts so far.
     */
    public record Pending(String dir, byte[] repomd, String baseSha256, String baseTag, String ascTag,
                          boolean unchanged, List<String> previous, Result result) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Pending {
            repomd = repomd.clone();
            previous = List.copyOf(previous);
        }

        @Override
        public byte[] repomd() {
            return repomd.clone();
        }
    }

    /** Rebuilds the metadata with {@code fresh} (href to metadata of packages just uploaded) taking precedence. */
    public Result update(Map<String, PackageMetadata> fresh) {
        Pending p = prepare(fresh);
        return complete(p, signer == null ? null : signer.signDetached(p.repomd()));
    }

    /**
     * Phase 1 of {@link #update}: computes the new metadata and stores its (content-addressed, not yet referenced)
     * files; the published index is untouched, so abandoning the result leaves the repository as it was.
     */
    public Pending prepare(Map<String, PackageMetadata> fresh) {
        return prepare(read(), fresh);
    }

    /**
     * Reads the repository's current state: the listing, repomd.xml and its .asc at once, then its metadata files; the
     * state is returned before the listing is in.
     */
    RepositoryState read() {
        return new RepositoryReader(this).read(Set::of);
    }

    /** As {@link #read}, also leaving out the keys {@code excluded} gives once the listing is in. */
    RepositoryState read(java.util.function.Supplier<Set<String>> excluded) {
        return new RepositoryReader(this).read(excluded);
    }

    /** Starts an independent request on the pool (none: runs it now). */
    <T> java.util.concurrent.Future<T> start(java.util.concurrent.Callable<T> task) {
        if (io != null) {
            return io.submit(task);
        }
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        try {
            f.complete(task.call());
        } catch (Exception e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** The results of independent requests, concurrently when there is a pool. */
    <T> List<T> run(List<java.util.concurrent.Callable<T>> tasks) {
        if (io != null) {
            return io.all(tasks);
        }
        List<T> out = new ArrayList<>();
        for (java.util.concurrent.Callable<T> t : tasks) {
            try {
                out.add(t.call());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new PublishException(e.getMessage(), e);
            }
        }
        return out;
    }

    /** Phase 1 from a state {@link #read} before (e.g. while the packages were being verified). */
    Pending prepare(RepositoryState state, Map<String, PackageMetadata> fresh) {
        Computed c = compute(state, fresh);
        store(c);
        return c.pending();
    }

    /** New metadata computed but not stored yet: the pending update and the store requests that store its files. */
    record Computed(Pending pending, List<java.util.concurrent.Callable<Boolean>> puts) {
    }

    /** Stores the metadata files of a {@link #compute} (concurrently when there is a pool). */
    void store(Computed c) {
        run(c.puts());
    }

    /**
     * Phase 1 without its writes: the new metadata from {@code state} and {@code fresh} (yanked packages left out);
     * the entry of a package a forced replacement marked is re-read when the package no longer has the SHA-256 the
     * index lists ({@link MetadataComputation}).
     */
    Computed compute(RepositoryState state, Map<String, PackageMetadata> published) {
        return compute(state, published, c -> { });
    }

    /**
     * As {@link #compute(RepositoryState, Map)}; {@code speculated} receives metadata computed while the listing is
     * still under way, before it is known whether the listing agrees (the same instance is returned when it does).
     */
    Computed compute(RepositoryState state, Map<String, PackageMetadata> published,
                     java.util.function.Consumer<Computed> speculated) {
        return MetadataComputation.compute(this, state, published, speculated);
    }

    /**
     * Phase 2 of {@link #update}: after checking that repomd.xml is still the one {@code p} was computed from,
     * writes repomd.xml.asc ({@code armoredSignature}; null: unsigned, a stale .asc is removed), then repomd.xml,
     * each only while the stored version is still the one phase 1 read (conditional writes where the store has them),
     * then removes metadata files no index names (orphans of earlier or losing runs, past {@code staleAfter} unless
     * the store is locked), keeping the generation just replaced for readers in flight. An {@code unchanged} index
     * whose signature state already matches writes nothing. Throws {@link ConcurrentWriteException} when another
     * publish changed the index in between: re-run publish.
     *
     * @param key the published key; an unchanged index keeps a current .asc only when a key of it made that .asc
     */
    public Result complete(Pending p, byte[] armoredSignature, RepositoryKey key, java.time.Duration staleAfter) {
        Result r = completeIndex(p, armoredSignature, key, false);
        List<String> removed = new ArrayList<>(r.removed());
        removed.addAll(removeOrphans(p, r.written(), staleAfter));
        return new Result(dir, r.packages(), r.reused(), r.readRemotely(), r.written(), removed);
    }

    /**
     * {@link #complete} without the removal of orphans ({@link #removeOrphans}, next). {@code justRead}: {@code p} was
     * prepared in this run from a state read moments ago, so the index is not read again; the conditional writes
     * (If-Match on the tags read) still refuse it when another publish changed it since. An unchanged index is
     * always read again (whether its signature can stay depends on it).
     */
    Result completeIndex(Pending p, byte[] armoredSignature, RepositoryKey key, boolean justRead) {
        return IndexWriter.completeIndex(this, p, armoredSignature, key, justRead);
    }

    /** As {@link #complete(Pending, byte[], RepositoryKey, java.time.Duration)} with no key and a 15-minute grace. */
    public Result complete(Pending p, byte[] armoredSignature) {
        return complete(p, armoredSignature, null, ORPHAN_GRACE);
    }

    /** How old an unreferenced metadata file must be before a publish that holds no lock removes it. */
    public static final java.time.Duration ORPHAN_GRACE = java.time.Duration.ofMinutes(15);

    /** Removes the metadata no index names and old replacement markers ({@link MetadataCleanup}). */
    List<String> removeOrphans(Pending p, List<String> written, java.time.Duration staleAfter) {
        return removeOrphans(p, written, staleAfter, store.list(Layout.repodata(dir)));
    }

    /** As {@link #removeOrphans(Pending, List, java.time.Duration)} from a listing of repodata/ just made. */
    List<String> removeOrphans(Pending p, List<String> written, java.time.Duration staleAfter,
                               List<StoredObject> repodata) {
        return MetadataCleanup.removeOrphans(store, dir, log, p, written, staleAfter, repodata);
    }

    /** The packages the current metadata describes; empty (forcing a header re-read) if it is damaged. */
    List<PackageMetadata> parseExisting(byte[][] open) {
        return new RepositoryReader(this).parseExisting(open);
    }

    /** Metadata of a stored package we have no entry for: its headers by ranged GETs, its SHA-256 from HEAD. */
    PackageMetadata readRemote(String href, long size) {
        return new RepositoryReader(this).readRemote(href, size);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] data) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new PublishException("repository metadata is not valid gzip: " + e.getMessage(), e);
        }
    }
}