package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.RangedChannel;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.MetadataException;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoSplice;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.avalanche.rpm.publish.YumRepository.REPOMD;
import static io.avalanche.rpm.publish.YumRepository.TYPES;

/**
 * What a {@link YumRepository} update reads: the listing, the current index and the metadata it names (damaged
 * metadata is warned about and rebuilt from package headers), and the headers of a stored package by ranged GETs.
 */
final class RepositoryReader {
    private final YumRepository y;
    private final ObjectStore store;
    private final String dir;

    RepositoryReader(YumRepository y) {
        this.y = y;
        this.store = y.store;
        this.dir = y.dir;
    }

    /**
     * As {@link YumRepository#read}: the listing and the .asc are read while repomd.xml, then the metadata it names,
     * are fetched and opened; the state is returned then, and its listing is waited for when first used, and
     * {@code excluded} (more keys to leave out, e.g. yanked packages read meanwhile) asked for then.
     */
    RepositoryState read(java.util.function.Supplier<Set<String>> excluded) {
        java.util.concurrent.Future<List<StoredObject>> listing = y.start(() -> store.list(dir));
        java.util.concurrent.Future<Optional<ObjectStore.Versioned>> asc = y.start(
                () -> store.getVersioned(dir + REPOMD + ".asc"));
        Optional<ObjectStore.Versioned> oldVersion = store.getVersioned(dir + REPOMD);
        Optional<Repomd> parsed = oldVersion.map(v -> parseRepomd(v.data()));
        byte[][] open = parsed.map(this::readExisting).orElse(null);
        RepoSplice.Index splice = open == null ? null : RepoSplice.index(open[0], open[1], open[2]);
        String ascTag = io.avalanche.rpm.store.Parallel.join(asc).map(ObjectStore.Versioned::tag).orElse(null);
        return new RepositoryState(() -> sorted(io.avalanche.rpm.store.Parallel.join(listing), excluded.get()),
                listing, oldVersion, parsed, ascTag, open, splice);
    }

    /** The .rpm objects listed directly in the directory and not {@code excluded}, and the marked packages. */
    private RepositoryState.Listing sorted(List<StoredObject> objects, Set<String> excluded) {
        Set<String> out = new java.util.HashSet<>(y.excluded);
        out.addAll(excluded);
        Map<String, Long> listed = new LinkedHashMap<>();
        Set<String> marked = new java.util.TreeSet<>();
        for (StoredObject o : objects) {
            String rel = o.key().substring(dir.length());
            if (!rel.contains("/") && rel.endsWith(".rpm") && !out.contains(o.key())) {
                listed.put(rel, o.size());
            } else if (rel.startsWith(Layout.REPODATA) && Replacements.fileOf(rel.substring(Layout.REPODATA.length()))
                    != null) {
                marked.add(Replacements.fileOf(rel.substring(Layout.REPODATA.length())));
            }
        }
        return new RepositoryState.Listing(listed, marked);
    }

    /** The parsed index, or null (with a warning) when it is damaged. */
    private Repomd parseRepomd(byte[] b) {
        try {
            return Repomd.parse(b, store.describe(dir + REPOMD));
        } catch (MetadataException e) {
            y.log.accept("warning: " + e.getMessage() + "; rebuilding the metadata from package headers");
            return null;
        }
    }

    /** The current metadata files, opened and checked against repomd.xml; null (with a warning) if damaged. */
    private byte[][] readExisting(Repomd r) {
        byte[][] open = new byte[TYPES.size()][];
        List<java.util.concurrent.Callable<Optional<byte[]>>> gets = new ArrayList<>();
        for (String type : TYPES) {
            Optional<Repomd.Entry> e = r.entry(type);
            if (e.isEmpty()) {
                warnRebuild("repomd.xml lists no " + type);
                return null;
            }
            gets.add(() -> store.get(dir + e.get().href()));
        }
        List<Optional<byte[]>> got = y.run(gets);
        for (int i = 0; i < TYPES.size(); i++) {
            Optional<Repomd.Entry> e = r.entry(TYPES.get(i));
            Optional<byte[]> gz = got.get(i);
            if (gz.isEmpty()) {
                warnRebuild(store.describe(dir + e.get().href()) + " is missing");
                return null;
            }
            if (!Digests.sha256Hex(gz.get()).equals(e.get().checksum())) {
                warnRebuild(store.describe(dir + e.get().href()) + " does not match its repomd.xml checksum");
                return null;
            }
            open[i] = YumRepository.gunzip(gz.get());
        }
        return open;
    }

    /** As {@link YumRepository#parseExisting}. */
    List<PackageMetadata> parseExisting(byte[][] open) {
        try {
            return RepoXml.read(open[0], open[1], open[2]);
        } catch (RpmException e) {
            warnRebuild(e.getMessage());
            return List.of();
        }
    }

    private List<PackageMetadata> warnRebuild(String why) {
        y.log.accept("warning: " + why + "; rebuilding the metadata of " + store.describe(dir)
                + " from package headers");
        return List.of();
    }

    /** As {@link YumRepository#readRemote}. */
    PackageMetadata readRemote(String href, long size) {
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
            throw new UncheckedIOException(store.describe(key) + ": cannot read headers: " + IoErrors.why(e), e);
        }
        long mtime = o.lastModified() == null ? y.timestamp : o.lastModified().getEpochSecond();
        return PackageMetadata.from(p, sha, mtime, href);
    }
}
