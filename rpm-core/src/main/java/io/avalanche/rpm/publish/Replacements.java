package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.PackageMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Keeps every index entry in agreement with its stored package when packages are replaced (--force). A replacement
 * is conditional on the version tag read (S3: If-Match on the ETag) and announced first by a marker in the
 * repository's metadata directory, {@code repodata/replacing-<file>.<first 16 hex of the new SHA-256>}, which stays for
 * {@link YumRepository#ORPHAN_GRACE} (longer than any publish runs; then a publish removes it). While a package is
 * marked, every publish of the repository re-reads its entry, instead of copying it forward, when the stored SHA-256
 * differs from the one the index lists; and a publish that stored a marked package checks, after writing its index,
 * that the package still holds its bytes: when a concurrent forced publish replaced it, it fails (exit 1) instead of
 * reporting success over an index that names other bytes. Cost without forced publishes: nothing (markers come with
 * listings a publish makes anyway); with them: a HEAD per marked package, for 15 minutes.
 */
final class Replacements {
    static final String PREFIX = "replacing-";

    private Replacements() {
    }

    /** The marker of a replacement of {@code key} by bytes of {@code sha256} (hex). */
    static String marker(String key, String sha256) {
        int slash = key.lastIndexOf('/');
        return Layout.repodata(key.substring(0, slash + 1)) + PREFIX + key.substring(slash + 1) + "."
                + sha256.substring(0, 16);
    }

    /** The package file a name in repodata/ marks, or null when the name is no marker. */
    static String fileOf(String name) {
        if (!name.startsWith(PREFIX)) {
            return null;
        }
        String rest = name.substring(PREFIX.length());
        int dot = rest.lastIndexOf('.');
        return dot > 0 && rest.substring(dot + 1).matches("[0-9a-f]{16}") ? rest.substring(0, dot) : null;
    }

    /** Announces that {@code key} is about to be replaced by bytes of {@code sha256}. */
    static void mark(ObjectStore store, String key, String sha256) {
        store.put(marker(key, sha256), ("rpm-release: " + key + " is being replaced by bytes of SHA-256 " + sha256
                + "; until its index names them, every publish re-reads its entry\n")
                .getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    /**
     * The entries of marked packages that disagree with their stored package, re-read from the package (headers by
     * range, SHA-256 from HEAD), by href; {@code entries} gives the SHA-256 the current index lists per href.
     */
    static Map<String, PackageMetadata> reread(ObjectStore store, String dir, Set<String> marked,
                                               Map<String, Long> listed, Map<String, PackageMetadata> fresh,
                                               java.util.function.Supplier<Map<String, String>> entries,
                                               YumRepository repository, Consumer<String> log) {
        Map<String, PackageMetadata> out = new TreeMap<>();
        Map<String, String> listedSha = null;
        for (String href : marked) {
            if (fresh.containsKey(href) || !listed.containsKey(href)) {
                continue;   // this publish writes the entry itself, or the package is gone
            }
            listedSha = listedSha == null ? entries.get() : listedSha;
            String entry = listedSha.get(href);
            Optional<StoredObject> o = store.head(dir + href);
            if (entry == null || o.isEmpty()) {
                continue;   // not in the index: read from its headers anyway
            }
            String now = sha(store, o.get());
            if (!now.equals(entry)) {
                log.accept("warning: " + store.describe(dir + href) + " has SHA-256 " + now + " but the index listed "
                        + entry + " (a forced replacement whose index was never written): its entry was re-read "
                        + "from the stored package");
                out.put(href, repository.readRemote(href, o.get().size()));
            }
        }
        return out;
    }

    /**
     * Before the index is written: each package this publish replaced still holds its bytes; else
     * {@link ConcurrentWriteException} and no index is written.
     */
    static void checkBeforeIndex(PublishRun run, List<Publisher.Outcome> outcomes) {
        List<String> changed = changed(run, outcomes, Set.of(Publisher.Status.REPLACED));
        if (!changed.isEmpty()) {
            throw new ConcurrentWriteException(String.join("; ", changed) + ": another publish replaced it after "
                    + "this one did; this publish did not write its index: re-run publish");
        }
    }

    /**
     * After the index is written, from the listings of each repository's repodata/ made then: each package this
     * publish stored that a marker names still holds its bytes; else the package is marked again (the next publish
     * re-reads its entry) and {@link PublishException}: the index may name bytes the bucket does not hold.
     */
    static void checkAfterIndex(PublishRun run, List<Publisher.Outcome> outcomes,
                                Map<String, List<StoredObject>> repodata) {
        Set<String> marked = new java.util.HashSet<>();
        repodata.forEach((dir, objects) -> objects.forEach(o -> {
            String file = fileOf(o.key().substring(o.key().lastIndexOf('/') + 1));
            if (file != null) {
                marked.add(dir + file);
            }
        }));
        List<Publisher.Outcome> stored = outcomes.stream().filter(o -> marked.contains(o.key())).toList();
        List<String> changed = changed(run, stored, Set.of(Publisher.Status.UPLOADED, Publisher.Status.REPLACED));
        if (!changed.isEmpty()) {
            throw new PublishException(String.join("; ", changed) + ": it was replaced by a concurrent publish after "
                    + "this one stored it, so the index this publish wrote may name other bytes than the bucket "
                    + "holds. The package is marked: re-run publish (any publish of the repository re-reads its entry)");
        }
    }

    /** "object: now SHA-256 x, this publish stored y" for each stored package that holds other bytes now (marked). */
    private static List<String> changed(PublishRun run, List<Publisher.Outcome> outcomes, Set<Publisher.Status> which) {
        List<Publisher.Outcome> rpms = outcomes.stream().filter(o -> which.contains(o.status())
                && o.key().endsWith(".rpm")).toList();
        List<Callable<String>> heads = new ArrayList<>();
        for (Publisher.Outcome o : rpms) {
            heads.add(() -> run.store.head(o.key()).map(s -> sha(run.store, s)).orElse("(missing)"));
        }
        List<String> now = run.all(heads);
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < rpms.size(); i++) {
            Publisher.Outcome o = rpms.get(i);
            if (!now.get(i).equals(o.sha256())) {
                if (!now.get(i).equals("(missing)")) {
                    mark(run.store, o.key(), now.get(i));
                }
                changed.add(run.store.describe(o.key()) + " now has SHA-256 " + now.get(i) + ", this publish stored "
                        + o.sha256());
            }
        }
        return changed;
    }

    private static String sha(ObjectStore store, StoredObject o) {
        return o.sha256Hex() != null ? o.sha256Hex() : Digests.sha256Hex(store.get(o.key()).orElseThrow());
    }
}
