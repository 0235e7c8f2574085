package io.avalanche.rpm.publish;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.verify.RpmPackage;
import io.avalanche.rpm.verify.RpmReader;

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
    public static final String REPOMD = "repodata/repomd.xml";
    private static final String[] TYPES = {"primary", "filelists", "other"};

    private final ObjectStore store;
    private final String dir;
    private final DetachedSigner signer;
    private final long timestamp;
    private final Consumer<String> log;

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
        this.store = store;
        this.dir = dir.endsWith("/") ? dir : dir + "/";
        this.signer = signer;
        this.timestamp = timestamp;
        this.log = log;
    }

    /**
     * A metadata update whose new metadata files are stored but whose index is not written yet: the exact new
     * repomd.xml bytes (what a signer signs), the SHA-256 of the repomd.xml it was computed from (null: there was
     * none), the old metadata keys to remove once the new index is in place, and the counts so far.
     */
    public record Pending(String dir, byte[] repomd, String baseSha256, List<String> stale, Result result)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public Pending {
            repomd = repomd.clone();
            stale = List.copyOf(stale);
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
        Map<String, Long> listed = new LinkedHashMap<>();
        for (StoredObject o : store.list(dir)) {
            String rel = o.key().substring(dir.length());
            if (!rel.contains("/") && rel.endsWith(".rpm")) {
                listed.put(rel, o.size());
            }
        }
        Optional<byte[]> oldBytes = store.get(dir + REPOMD);
        String baseSha = oldBytes.map(Digests::sha256Hex).orElse(null);
        Optional<Repomd> old = oldBytes.map(this::parseRepomd);
        Map<String, PackageMetadata> known = new HashMap<>();
        old.ifPresent(r -> {
            for (PackageMetadata m : readExisting(r)) {
                known.put(m.href(), m);
            }
        });
        List<PackageMetadata> all = new ArrayList<>();
        int reused = 0;
        int remote = 0;
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
        RepoXml.Documents docs = RepoXml.write(all);
        byte[][] open = {docs.primary(), docs.filelists(), docs.other()};
        List<Repomd.Entry> entries = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < TYPES.length; i++) {
            byte[] gz = gzip(open[i]);
            String sha = Digests.sha256Hex(gz);
            String href = "repodata/" + sha + "-" + TYPES[i] + ".xml.gz";
            if (store.head(dir + href).isEmpty()) {
                store.put(dir + href, gz, "application/gzip");
            }
            written.add(dir + href);
            entries.add(new Repomd.Entry(TYPES[i], sha, Digests.sha256Hex(open[i]), href, timestamp, gz.length,
                    open[i].length));
        }
        byte[] repomd = new Repomd(timestamp, entries).toXml();
        List<String> stale = new ArrayList<>();
        Set<String> keep = new HashSet<>(written);
        old.ifPresent(r -> {
            for (Repomd.Entry e : r.entries()) {
                String key = dir + e.href();
                if (!keep.contains(key) && !stale.contains(key)) {
                    stale.add(key);
                }
            }
        });
        log.accept("repository " + store.describe(dir) + ": " + all.size() + " packages (" + reused
                + " from existing metadata, " + remote + " read by header ranges, "
                + (all.size() - reused - remote) + " just uploaded)");
        return new Pending(dir, repomd, baseSha, stale,
                new Result(dir, all.size(), reused, remote, written, List.of()));
    }

    /**
     * Phase 2 of {@link #update}: after checking that repomd.xml is still the one {@code p} was computed from,
     * writes repomd.xml.asc ({@code armoredSignature}; null: unsigned, a stale .asc is removed), then repomd.xml,
     * then removes the old metadata files. Throws {@link PublishException} when another publish changed the index
     * in between. The metadata files phase 1 stored stay (unreferenced, content-addressed: another publish in
     * flight may name the same ones); re-run publish.
     */
    public Result complete(Pending p, byte[] armoredSignature) {
        if (!p.dir().equals(dir)) {
            throw new PublishException("pending metadata of " + store.describe(p.dir()) + " cannot complete "
                    + store.describe(dir));
        }
        String key = dir + REPOMD;
        Optional<byte[]> now = store.get(key);
        String nowSha = now.map(Digests::sha256Hex).orElse(null);
        if (!java.util.Objects.equals(nowSha, p.baseSha256())) {
            throw new PublishException(store.describe(key) + " changed since this publish read it (another publish "
                    + "of " + store.describe(dir) + " ran in between); this publish did not write its index: re-run "
                    + "publish to include both");
        }
        List<String> written = new ArrayList<>(p.result().written());
        if (armoredSignature != null) {
            store.put(key + ".asc", armoredSignature, "text/plain");
            written.add(key + ".asc");
        }
        store.put(key, p.repomd(), "application/xml");
        written.add(key);
        List<String> removed = new ArrayList<>();
        if (armoredSignature == null && store.head(key + ".asc").isPresent()) {
            store.delete(key + ".asc");
            removed.add(key + ".asc");
            log.accept("warning: " + store.describe(key) + " is now unsigned: removed the old repomd.xml.asc");
        }
        for (String s : p.stale()) {
            store.delete(s);
            removed.add(s);
        }
        Result r = p.result();
        return new Result(dir, r.packages(), r.reused(), r.readRemotely(), List.copyOf(written), List.copyOf(removed));
    }

    /** The parsed index, or null (with a warning) when it is damaged. */
    private Repomd parseRepomd(byte[] b) {
        try {
            return Repomd.parse(b, store.describe(dir + REPOMD));
        } catch (PublishException e) {
            log.accept("warning: " + e.getMessage() + "; rebuilding the metadata from package headers");
            return null;
        }
    }

    /** The packages the current metadata describes; empty (forcing a header re-read) if it is damaged. */
    private List<PackageMetadata> readExisting(Repomd r) {
        byte[][] open = new byte[TYPES.length][];
        for (int i = 0; i < TYPES.length; i++) {
            Optional<Repomd.Entry> e = r.entry(TYPES[i]);
            if (e.isEmpty()) {
                return warnRebuild("repomd.xml lists no " + TYPES[i]);
            }
            Optional<byte[]> gz = store.get(dir + e.get().href());
            if (gz.isEmpty()) {
                return warnRebuild(store.describe(dir + e.get().href()) + " is missing");
            }
            if (!Digests.sha256Hex(gz.get()).equals(e.get().checksum())) {
                return warnRebuild(store.describe(dir + e.get().href()) + " does not match its repomd.xml checksum");
            }
            open[i] = gunzip(gz.get());
        }
        try {
            return RepoXml.read(open[0], open[1], open[2]);
        } catch (RpmException e) {
            return warnRebuild(e.getMessage());
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
