package io.avalanche.rpm.publish;

import io.avalanche.rpm.yum.MetadataException;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.RangedChannel;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoSplice;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final String[] TYPES = {"primary", "filelists", "other"};

    private final ObjectStore store;
    private final String dir;
    private final DetachedSigner signer;
    private final long timestamp;
    private final Consumer<String> log;
    private final Parallel io;

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
        this.io = io;
        this.store = store;
        this.dir = dir.endsWith("/") ? dir : dir + "/";
        this.signer = signer;
        this.timestamp = timestamp;
        this.log = log;
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
     * What a metadata update starts from: the .rpm objects listed with their sizes, the current repomd.xml (bytes and
     * version tag), the version tag of its .asc, and the packages its metadata describes (by href).
     */
    record State(Map<String, Long> listed, Optional<ObjectStore.Versioned> index, Optional<Repomd> parsed,
                 String ascTag, byte[][] open, RepoSplice.Index splice) {
        /** The packages the current metadata describes, by href (parsed: only when the metadata is not spliced). */
        Map<String, PackageMetadata> known(YumRepository y) {
            Map<String, PackageMetadata> known = new HashMap<>();
            if (open != null) {
                for (PackageMetadata m : y.parseExisting(open)) {
                    known.put(m.href(), m);
                }
            }
            return known;
        }
    }

    /** Reads the repository's current state: the listing, repomd.xml and its .asc at once, then its metadata files. */
    State read() {
        List<Object> r = run(List.<java.util.concurrent.Callable<Object>>of(() -> store.list(dir),
                () -> store.getVersioned(dir + REPOMD), () -> store.getVersioned(dir + REPOMD + ".asc")));
        Map<String, Long> listed = new LinkedHashMap<>();
        for (Object x : (List<?>) r.get(0)) {
            StoredObject o = (StoredObject) x;
            String rel = o.key().substring(dir.length());
            if (!rel.contains("/") && rel.endsWith(".rpm")) {
                listed.put(rel, o.size());
            }
        }
        @SuppressWarnings("unchecked")
        Optional<ObjectStore.Versioned> oldVersion = (Optional<ObjectStore.Versioned>) r.get(1);
        @SuppressWarnings("unchecked")
        String ascTag = ((Optional<ObjectStore.Versioned>) r.get(2)).map(ObjectStore.Versioned::tag).orElse(null);
        Optional<Repomd> parsed = oldVersion.map(v -> parseRepomd(v.data()));
        byte[][] open = parsed.map(this::readExisting).orElse(null);
        RepoSplice.Index splice = open == null ? null : RepoSplice.index(open[0], open[1], open[2]);
        return new State(listed, oldVersion, parsed, ascTag, open, splice);
    }

    /** The results of independent requests, concurrently when there is a pool. */
    private <T> List<T> run(List<java.util.concurrent.Callable<T>> tasks) {
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
    Pending prepare(State state, Map<String, PackageMetadata> fresh) {
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

    /** Phase 1 without its writes: the new metadata from {@code state} and {@code fresh}. */
    Computed compute(State state, Map<String, PackageMetadata> fresh) {
        Map<String, Long> listed = new LinkedHashMap<>(state.listed());
        for (Map.Entry<String, PackageMetadata> f : fresh.entrySet()) {
            // packages of this publish whose upload may still be under way
            listed.putIfAbsent(f.getKey(), f.getValue().packageSize());
        }
        Optional<ObjectStore.Versioned> oldVersion = state.index();
        Optional<byte[]> oldBytes = oldVersion.map(ObjectStore.Versioned::data);
        String baseSha = oldBytes.map(Digests::sha256Hex).orElse(null);
        String baseTag = oldVersion.map(ObjectStore.Versioned::tag).orElse(null);
        String ascTag = state.ascTag();
        Optional<Repomd> old = state.parsed();
        RepoSplice.Index splice = state.splice();
        boolean spliced = splice != null && splice.sizes().keySet().stream().allMatch(listed::containsKey)
                && listed.entrySet().stream().allMatch(e -> fresh.containsKey(e.getKey())
                        || e.getValue().equals(splice.sizes().get(e.getKey())));
        RepoXml.Documents docs;
        int total = listed.size();
        int reused = 0;
        int remote = 0;
        if (spliced) {
            // every package is either just published or described by the current metadata: copy their elements
            reused = (int) listed.keySet().stream().filter(h -> !fresh.containsKey(h)).count();
            docs = RepoSplice.splice(splice, new ArrayList<>(fresh.values()));
        } else {
            Map<String, PackageMetadata> known = state.known(this);
            List<PackageMetadata> all = new ArrayList<>();
            for (Map.Entry<String, Long> e : listed.entrySet()) {
                String href = e.getKey();
                PackageMetadata m = fresh.get(href);
                if (m == null) {
                    PackageMetadata k = known.get(href);
                    if (k != null && k.packageSize() == e.getValue()) {
                        m = k;
                        reused++;
                    } else {
                        m = readRemote(href, e.getValue());
                        remote++;
                    }
                }
                all.add(m);
            }
            all.sort(Comparator.comparing(PackageMetadata::href));
            docs = RepoXml.write(all);
        }
        byte[][] open = {docs.primary(), docs.filelists(), docs.other()};
        List<Repomd.Entry> entries = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<java.util.concurrent.Callable<Boolean>> puts = new ArrayList<>();
        for (int i = 0; i < TYPES.length; i++) {
            byte[] gz = gzip(open[i]);
            String sha = Digests.sha256Hex(gz);
            String href = Layout.REPODATA + sha + "-" + TYPES[i] + ".xml.gz";
            puts.add(() -> {
                try {
                    store.putIfAbsent(dir + href, gz, "application/gzip");
                } catch (ConcurrentWriteException e) {
                    // content-addressed: whoever stored it first stored these very bytes
                }
                return true;
            });
            written.add(dir + href);
            entries.add(new Repomd.Entry(TYPES[i], sha, Digests.sha256Hex(open[i]), href, timestamp, gz.length,
                    open[i].length));
        }
        byte[] repomd = new Repomd(timestamp, entries).toXml();
        List<String> previous = new ArrayList<>();
        old.ifPresent(r -> r.entries().forEach(e -> previous.add(dir + e.href())));
        boolean unchanged = old.isPresent() && sameData(old.get(), entries);
        if (unchanged) {
            repomd = oldBytes.get();
        }
        log.accept("repository " + store.describe(dir) + ": " + total + " packages (" + reused
                + " from existing metadata" + (spliced ? ", copied as they were" : "") + ", " + remote
                + " read by header ranges, " + (total - reused - remote) + " just uploaded)");
        return new Computed(new Pending(dir, repomd, baseSha, baseTag, ascTag, unchanged, previous,
                new Result(dir, total, reused, remote, unchanged ? List.of() : written, List.of())),
                unchanged ? List.of() : puts);
    }

    /** The old index lists exactly these metadata files (same types, checksums and locations). */
    private static boolean sameData(Repomd old, List<Repomd.Entry> now) {
        if (old.entries().size() != now.size()) {
            return false;
        }
        for (Repomd.Entry e : now) {
            Optional<Repomd.Entry> o = old.entry(e.type());
            if (o.isEmpty() || !e.checksum().equals(o.get().checksum()) || !e.href().equals(o.get().href())
                    || !e.openChecksum().equals(o.get().openChecksum())) {
                return false;
            }
        }
        return true;
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
        if (!p.dir().equals(dir)) {
            throw new PublishException("pending metadata of " + store.describe(p.dir()) + " cannot complete "
                    + store.describe(dir));
        }
        String idx = dir + REPOMD;
        String asc = idx + ".asc";
        boolean reread = !justRead || p.unchanged();
        List<Optional<byte[]>> reads = reread ? run(List.<java.util.concurrent.Callable<Optional<byte[]>>>of(
                () -> store.get(idx), () -> store.get(asc))) : null;
        if (reread) {
            String nowSha = reads.get(0).map(Digests::sha256Hex).orElse(null);
            if (!java.util.Objects.equals(nowSha, p.baseSha256())) {
                throw changed(idx);
            }
        }
        List<String> written = new ArrayList<>(p.result().written());
        List<String> removed = new ArrayList<>();
        boolean ascExists = reread ? reads.get(1).isPresent() : p.ascTag() != null;
        Optional<byte[]> ascNow = reread ? reads.get(1) : Optional.empty();
        boolean keepAsIs = p.unchanged() && (armoredSignature == null ? !ascExists
                : ascNow.isPresent() && key != null && key.checkDetached(p.repomd(), ascNow.get()) == null);
        if (!keepAsIs) {
            try {
                if (armoredSignature != null) {
                    store.putIf(asc, armoredSignature, "text/plain", p.ascTag());
                    written.add(asc);
                }
                store.putIf(idx, p.repomd(), "application/xml", p.baseTag());
            } catch (ConcurrentWriteException e) {
                throw changed(idx);
            }
            written.add(idx);
            if (armoredSignature == null && ascExists) {
                store.delete(asc);
                removed.add(asc);
                log.accept("warning: " + store.describe(idx) + " is now unsigned: removed the old repomd.xml.asc");
            }
        }
        Result r = p.result();
        return new Result(dir, r.packages(), r.reused(), r.readRemotely(), List.copyOf(written), List.copyOf(removed));
    }

    /** As {@link #complete(Pending, byte[], RepositoryKey, java.time.Duration)} with no key and a 15-minute grace. */
    public Result complete(Pending p, byte[] armoredSignature) {
        return complete(p, armoredSignature, null, ORPHAN_GRACE);
    }

    /** How old an unreferenced metadata file must be before a publish that holds no lock removes it. */
    public static final java.time.Duration ORPHAN_GRACE = java.time.Duration.ofMinutes(15);

    private ConcurrentWriteException changed(String idx) {
        return new ConcurrentWriteException(store.describe(idx) + " changed since this publish read it (another "
                + "publish of " + store.describe(dir) + " ran in between); this publish did not write its index: "
                + "re-run publish to include both");
    }

    /**
     * Content-addressed metadata files ({@code <sha256>-*}) in repodata/ that neither the new index nor the one it
     * replaced names. Without an exclusive lock only files older than {@code staleAfter} go: a younger one may
     * belong to a publish in flight.
     */
    List<String> removeOrphans(Pending p, List<String> written, java.time.Duration staleAfter) {
        Set<String> keep = new HashSet<>(written);
        keep.addAll(p.previous());
        try {
            Repomd current = Repomd.parse(p.repomd(), store.describe(dir + REPOMD));
            current.entries().forEach(e -> keep.add(dir + e.href()));
        } catch (MetadataException e) {
            return List.of();
        }
        java.time.Instant cutoff = java.time.Instant.now().minus(staleAfter);
        List<String> removed = new ArrayList<>();
        for (StoredObject o : store.list(Layout.repodata(dir))) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
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

    /** The parsed index, or null (with a warning) when it is damaged. */
    private Repomd parseRepomd(byte[] b) {
        try {
            return Repomd.parse(b, store.describe(dir + REPOMD));
        } catch (MetadataException e) {
            log.accept("warning: " + e.getMessage() + "; rebuilding the metadata from package headers");
            return null;
        }
    }

    /** The current metadata files, opened and checked against repomd.xml; null (with a warning) if damaged. */
    private byte[][] readExisting(Repomd r) {
        byte[][] open = new byte[TYPES.length][];
        List<java.util.concurrent.Callable<Optional<byte[]>>> gets = new ArrayList<>();
        for (String type : TYPES) {
            Optional<Repomd.Entry> e = r.entry(type);
            if (e.isEmpty()) {
                warnRebuild("repomd.xml lists no " + type);
                return null;
            }
            gets.add(() -> store.get(dir + e.get().href()));
        }
        List<Optional<byte[]>> got = run(gets);
        for (int i = 0; i < TYPES.length; i++) {
            Optional<Repomd.Entry> e = r.entry(TYPES[i]);
            Optional<byte[]> gz = got.get(i);
            if (gz.isEmpty()) {
                warnRebuild(store.describe(dir + e.get().href()) + " is missing");
                return null;
            }
            if (!Digests.sha256Hex(gz.get()).equals(e.get().checksum())) {
                warnRebuild(store.describe(dir + e.get().href()) + " does not match its repomd.xml checksum");
                return null;
            }
            open[i] = gunzip(gz.get());
        }
        return open;
    }

    /** The packages the current metadata describes; empty (forcing a header re-read) if it is damaged. */
    List<PackageMetadata> parseExisting(byte[][] open) {
        try {
            return RepoXml.read(open[0], open[1], open[2]);
        } catch (RpmException e) {
            warnRebuild(e.getMessage());
            return List.of();
        }
    }

    private List<PackageMetadata> warnRebuild(String why) {
        log.accept("warning: " + why + "; rebuilding the metadata of " + store.describe(dir) + " from package headers");
        return List.of();
    }

    /** Metadata of a stored package we have no entry for: its headers by ranged GETs, its SHA-256 from HEAD. */
    private PackageMetadata readRemote(String href, long size) {
        String key = dir + href;
        StoredObject o = store.head(key).orElseThrow(() -> new PublishException(store.describe(key)
                + " vanished while updating the repository metadata; re-run publish"));
        String sha = o.sha256Hex();
        if (sha == null) {
            sha = Digests.sha256Hex(store.get(key).orElseThrow());
        }
        RpmPackage p;
        try (RangedChannel ch = new RangedChannel(store, key, size)) {
            p = RpmReader.read(ch, store.describe(key));
        } catch (IOException e) {
            throw new UncheckedIOException(store.describe(key) + ": cannot read headers: " + e.getMessage(), e);
        }
        long mtime = o.lastModified() == null ? timestamp : o.lastModified().getEpochSecond();
        return PackageMetadata.from(p, sha, mtime, href);
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
