package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoSplice;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.avalanche.rpm.publish.YumRepository.TYPES;

/**
 * The new metadata of a {@link YumRepository}: each package's entry from this publish, the current metadata (its
 * elements copied as they are when every package is described there) or its headers read by range; then the
 * content-addressed files and the repomd.xml that names them.
 */
final class MetadataComputation {
    private MetadataComputation() {
    }

    /**
     * As {@link YumRepository#compute}: phase 1 without its writes. While the listing is still under way and the
     * current metadata can be spliced, the new metadata is computed as if the listing held exactly the packages the
     * current metadata describes and those just published ({@code speculated} receives it then); that result is kept
     * when the listing agrees.
     */
    static YumRepository.Computed compute(YumRepository y, RepositoryState state,
                                          Map<String, PackageMetadata> published,
                                          java.util.function.Consumer<YumRepository.Computed> speculated) {
        if (state.splice() != null && !state.listedYet()) {
            Map<String, PackageMetadata> fresh = fresh(y, published);
            Map<String, Long> assumed = new LinkedHashMap<>(state.splice().sizes());
            fresh.forEach((href, m) -> assumed.putIfAbsent(href, m.packageSize()));
            Reported early = computed(y, state.assuming(new RepositoryState.Listing(assumed, Set.of())),
                    published);
            speculated.accept(early.computed());
            if (state.marked().isEmpty() && agrees(listed(state.listed(), fresh), assumed, fresh.keySet())) {
                y.log.accept(early.line());
                return early.computed();
            }
        }
        Reported c = computed(y, state, published);
        y.log.accept(c.line());
        return c.computed();
    }

    /** A computation and the line that reports it. */
    private record Reported(YumRepository.Computed computed, String line) {
    }

    /** The packages of this publish that the metadata lists (none excluded). */
    private static Map<String, PackageMetadata> fresh(YumRepository y, Map<String, PackageMetadata> published) {
        Map<String, PackageMetadata> fresh = new LinkedHashMap<>(published);
        fresh.keySet().removeIf(href -> y.excluded.contains(y.dir + href));
        return fresh;
    }

    /** The packages the metadata will list: the listing and the packages of this publish still uploading. */
    private static Map<String, Long> listed(Map<String, Long> listing, Map<String, PackageMetadata> fresh) {
        Map<String, Long> listed = new LinkedHashMap<>(listing);
        for (Map.Entry<String, PackageMetadata> f : fresh.entrySet()) {
            // packages of this publish whose upload may still be under way
            listed.putIfAbsent(f.getKey(), f.getValue().packageSize());
        }
        return listed;
    }

    /**
     * The same packages, those not published now with the same sizes: the metadata computed from either is the
     * same.
     */
    private static boolean agrees(Map<String, Long> listed, Map<String, Long> assumed, Set<String> fresh) {
        return listed.keySet().equals(assumed.keySet()) && listed.entrySet().stream()
                .allMatch(e -> fresh.contains(e.getKey()) || e.getValue().equals(assumed.get(e.getKey())));
    }

    private static Reported computed(YumRepository y, RepositoryState state,
                                     Map<String, PackageMetadata> published) {
        ObjectStore store = y.store;
        String dir = y.dir;
        long timestamp = y.timestamp;
        Map<String, PackageMetadata> reread = Replacements.reread(store, dir, state.marked(), state.listed(),
                published, () -> listedChecksums(y, state), y, y.log);
        Map<String, PackageMetadata> fresh = fresh(y, published);
        fresh.putAll(reread);
        fresh.keySet().removeIf(href -> y.excluded.contains(dir + href));
        Map<String, Long> listed = listed(state.listed(), fresh);
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
            Map<String, PackageMetadata> known = state.known(y);
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
                        m = y.readRemote(href, e.getValue());
                        remote++;
                    }
                }
                all.add(m);
            }
            all.sort(Comparator.comparing(PackageMetadata::href));
            docs = RepoXml.write(all);
        }
        remote += reread.size();
        byte[][] open = {docs.primary(), docs.filelists(), docs.other()};
        List<Repomd.Entry> entries = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<java.util.concurrent.Callable<Boolean>> puts = new ArrayList<>();
        for (int i = 0; i < TYPES.size(); i++) {
            byte[] gz = YumRepository.gzip(open[i]);
            String sha = Digests.sha256Hex(gz);
            String href = Layout.REPODATA + sha + "-" + TYPES.get(i) + ".xml.gz";
            puts.add(() -> {
                try {
                    store.putIfAbsent(dir + href, gz, "application/gzip");
                } catch (ConcurrentWriteException e) {
                    // content-addressed: whoever stored it first stored these very bytes
                }
                return true;
            });
            written.add(dir + href);
            entries.add(new Repomd.Entry(TYPES.get(i), sha, Digests.sha256Hex(open[i]), href, timestamp, gz.length,
                    open[i].length));
        }
        byte[] repomd = new Repomd(timestamp, entries).toXml();
        List<String> previous = new ArrayList<>();
        old.ifPresent(r -> r.entries().forEach(e -> previous.add(dir + e.href())));
        boolean unchanged = old.isPresent() && sameData(old.get(), entries);
        if (unchanged) {
            repomd = oldBytes.get();
        }
        String line = "repository " + store.describe(dir) + ": " + total + " packages (" + reused
                + " from existing metadata" + (spliced ? ", copied as they were" : "") + ", " + remote
                + " read by header ranges, " + (total - reused - remote) + " just uploaded)";
        return new Reported(new YumRepository.Computed(new YumRepository.Pending(dir, repomd, baseSha, baseTag, ascTag,
                unchanged, previous, new YumRepository.Result(dir, total, reused, remote,
                unchanged ? List.of() : written, List.of())), unchanged ? List.of() : puts), line);
    }

    /** The SHA-256 the current index lists per href. */
    private static Map<String, String> listedChecksums(YumRepository y, RepositoryState state) {
        if (state.splice() != null) {
            return state.splice().checksums();
        }
        Map<String, String> m = new HashMap<>();
        state.known(y).forEach((href, p) -> m.put(href, p.sha256()));
        return m;
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
}
