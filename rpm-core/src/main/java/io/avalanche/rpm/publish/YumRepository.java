package io.avalanche.rpm.publish;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.verify.RpmPackage;
import io.avalanche.rpm.verify.RpmReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * know. Writes the metadata files first, then repomd.xml.asc and repomd.xml, then removes the old files.
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
                         List<String> removed) {
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

    /** Rebuilds the metadata with {@code fresh} (href to metadata of packages just uploaded) taking precedence. */
    public Result update(Map<String, PackageMetadata> fresh) {
        Map<String, Long> listed = new LinkedHashMap<>();
        for (StoredObject o : store.list(dir)) {
            String rel = o.key().substring(dir.length());
            if (!rel.contains("/") && rel.endsWith(".rpm")) {
                listed.put(rel, o.size());
            }
        }
        Optional<Repomd> old = readRepomd();
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
        if (signer != null) {
            store.put(dir + REPOMD + ".asc", signer.signDetached(repomd), "text/plain");
            written.add(dir + REPOMD + ".asc");
        }
        store.put(dir + REPOMD, repomd, "application/xml");
        written.add(dir + REPOMD);
        List<String> removed = new ArrayList<>();
        Set<String> keep = new HashSet<>(written);
        old.ifPresent(r -> {
            for (Repomd.Entry e : r.entries()) {
                String key = dir + e.href();
                if (!keep.contains(key)) {
                    store.delete(key);
                    removed.add(key);
                }
            }
        });
        log.accept("repository " + store.describe(dir) + ": " + all.size() + " packages (" + reused
                + " from existing metadata, " + remote + " read by header ranges, "
                + (all.size() - reused - remote) + " just uploaded)");
        return new Result(dir, all.size(), reused, remote, written, removed);
    }

    private Optional<Repomd> readRepomd() {
        return store.get(dir + REPOMD).map(b -> {
            try {
                return Repomd.parse(b, store.describe(dir + REPOMD));
            } catch (PublishException e) {
                log.accept("warning: " + e.getMessage() + "; rebuilding the metadata from package headers");
                return null;
            }
        });
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
