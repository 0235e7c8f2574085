package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.Futures;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.PackageMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One publish into one store, the steps every strategy shares: check and hash the release, read what the destination
 * holds, decide per object (unchanged, refused, upload), upload, and compute and store each repository's metadata.
 */
final class PublishRun {
    /** The publish's background checks and reads: daemon threads (a stopping JVM does not wait for them). */
    static final Executor CHECKS = Futures.daemons("publish-check");

    final ObjectStore store;
    final Layout layout;
    final Publisher.Options options;
    final Consumer<String> log;
    final Parallel io;
    /** The channel of the release published (its packages' repositories and .repo file). */
    final Channel channel;
    private final Consumer<Publisher.Outcome> progress;
    /** Packages of yanked releases (object keys), read with the destination: never listed in the metadata. */
    private volatile java.util.Set<String> yanked = java.util.Set.of();

    PublishRun(ObjectStore store, Publisher.Options options, Consumer<Publisher.Outcome> progress,
               Consumer<String> log, Parallel io, Channel channel) {
        this.store = store;
        this.layout = options.layout();
        this.options = options;
        this.progress = progress;
        this.log = log;
        this.io = io;
        this.channel = channel;
    }

    /** A file after its verifying read pass, with the hashes that pass made. */
    record Item(Path file, String key, FileHashes hashes, long size, RpmPackage rpm) {
        String sha256() {
            return hashes.hex();
        }
    }

    /**
     * What the destination holds, read before any write: each object the release would write (empty: absent), each
     * repository's state, and the .repo file.
     */
    record Remote(Map<String, Optional<StoredObject>> objects,
                  Map<String, CompletableFuture<RepositoryState>> repositories,
                  Optional<StoredObject> repoFile) {
    }

    PublishGate gate() {
        return new PublishGate(store, layout, log);
    }

    /** The repository (and .repo section) name of this run's channel. */
    String repoName() {
        return Layout.repoName(options.repoName(), channel);
    }

    String repoFileKey() {
        return layout.repoFile(repoName());
    }

    /**
     * The release's files after the checks of {@link PublishGate} (unless a store-mechanics test turned them off),
     * hashed in the read pass that verified them; refused when release.json records another SHA-256 for one of them.
     */
    List<Item> checked(ReleaseScan release, boolean signedHere) {
        Map<Path, FileHashes.Hasher> tees = new HashMap<>();
        for (ReleaseScan.Scanned f : release.files()) {
            if (f.rpm() != null) {
                tees.put(f.file(), new FileHashes.Hasher(store.partSize(f.size())));
            }
        }
        if (options.checkRelease()) {
            gate().check(release.dir(), release.rpms(), release.dirs(layout), options.signer(), signedHere,
                    options.force(), repoFileKey(), tees);
        }
        List<Item> items = new ArrayList<>();
        Map<Path, FileHashes> finished = new HashMap<>();   // a noarch package is in several directories
        for (ReleaseScan.Scanned f : release.files()) {
            FileHashes h = f.rpm() == null || !options.checkRelease() ? FileHashes.of(f.file(), store.partSize(f.size()))
                    : finished.computeIfAbsent(f.file(), x -> tees.get(x).finish());
            if (h.size() != f.size()) {
                throw new PublishCheckException(f.file() + " changed size while it was checked (" + f.size() + " then "
                        + h.size() + " bytes): do not modify a release while it is published. Nothing was uploaded.");
            }
            String declared = release.declared(f.file());
            if (declared != null && !declared.equalsIgnoreCase(h.hex())) {
                throw new PublishCheckException(release.mismatch(f.file(), h.hex(), declared));
            }
            items.add(new Item(f.file(), f.key(), h, f.size(), f.rpm()));
        }
        return items;
    }

    /** Reads, concurrently, what the destination holds where this release would write; repositories in the background. */
    Remote read(ReleaseScan release) {
        CompletableFuture<java.util.Set<String>> yanks = CompletableFuture.supplyAsync(
                () -> YankRecords.read(store, layout).keys(), CHECKS);
        // the repositories first: their listings are the longest requests of a publish into a large repository
        Map<String, CompletableFuture<RepositoryState>> repos = new TreeMap<>();
        for (String dir : release.dirs(layout)) {
            repos.put(dir, CompletableFuture.supplyAsync(() -> repository(dir).read(() -> Futures.join(yanks)),
                    CHECKS));
        }
        Map<String, Future<Optional<StoredObject>>> heads = new LinkedHashMap<>();
        for (ReleaseScan.Scanned f : release.files()) {
            heads.put(f.key(), io.submit(() -> store.head(f.key())));
        }
        Future<Optional<StoredObject>> repoFile = io.submit(() -> store.head(repoFileKey()));
        Map<String, Optional<StoredObject>> objects = new LinkedHashMap<>();
        heads.forEach((k, f) -> objects.put(k, Parallel.join(f)));
        yanked = Futures.join(yanks);
        return new Remote(objects, repos, Parallel.join(repoFile));
    }

    /**
     * Phase 1 on checked items: refuses different bytes (unless forced), uploads what is new while each repository's
     * metadata is computed and stored; no index is written.
     */
    PendingPublish prepare(List<Item> items, Remote remote) {
        List<Publisher.Outcome> outcomes = new ArrayList<>();
        List<Item> toUpload = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Item it : items) {
            Optional<String> existing = remote.objects().get(it.key()).map(this::shaOf);
            if (existing.isEmpty()) {
                toUpload.add(it);
            } else if (existing.get().equals(it.sha256())) {
                emit(outcomes, unchanged(it.key(), it.size(), it.sha256(), "identical bytes already published"));
            } else if (options.force() || gate().rotatesKey(it.file(), it.key())) {
                toUpload.add(it);
            } else {
                refused.add(store.describe(it.key()));
                emit(outcomes, refusedOutcome(it.key(), it.size(), it.sha256(), existing.get()));
            }
        }
        if (!refused.isEmpty()) {
            throw refusal(refused, "Nothing was uploaded.");
        }
        // the uploads run while the metadata is generated and stored: metadata files are content-addressed and no
        // index names them before complete, so a failed upload leaves only unreferenced files (removed later)
        List<Future<Publisher.Outcome>> uploads = new ArrayList<>();
        for (Item it : toUpload) {
            StoredObject replaced = remote.objects().get(it.key()).orElse(null);
            uploads.add(io.submit(() -> upload(it, replaced)));
        }
        return metadata(items, remote, outcomes, uploads);
    }

    /**
     * The metadata of each repository from the items' headers and hashes, stored while {@code uploads} run; then
     * their outcomes.
     */
    private PendingPublish metadata(List<Item> items, Remote remote, List<Publisher.Outcome> outcomes,
                                    List<Future<Publisher.Outcome>> uploads) {
        List<YumRepository.Pending> repos = new ArrayList<>();
        RuntimeException failed = null;
        try {
            for (Map.Entry<YumRepository, YumRepository.Computed> e : computeMetadata(items, remote).entrySet()) {
                e.getKey().store(e.getValue());
                repos.add(e.getValue().pending());
            }
        } catch (RuntimeException e) {
            failed = e;
        }
        for (Future<Publisher.Outcome> f : uploads) {
            try {
                emit(outcomes, Parallel.join(f));
            } catch (RuntimeException e) {
                failed = failed == null || failed instanceof ConcurrentWriteException ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return pending(outcomes, repos);
    }

    PendingPublish pending(List<Publisher.Outcome> outcomes, List<YumRepository.Pending> repos) {
        String root = options.baseUrl() == null ? store.publicUrl(layout.root())
                : (options.baseUrl().endsWith("/") ? options.baseUrl() : options.baseUrl() + "/") + layout.root();
        return new PendingPublish(store.describe(layout.root()), outcomes, repos, repoName(), root,
                options.timestamp(), options.force(), layout);
    }

    /** Each repository's new metadata (not stored yet) from the items' headers and SHA-256s. */
    Map<YumRepository, YumRepository.Computed> computeMetadata(List<Item> items, Remote remote) {
        return computeMetadata(items, remote, c -> { });
    }

    /**
     * As {@link #computeMetadata(List, Remote)}; {@code speculated} receives what a repository's computation made
     * while its listing was still under way ({@link YumRepository#compute(RepositoryState, Map,
     * java.util.function.Consumer)}).
     */
    Map<YumRepository, YumRepository.Computed> computeMetadata(List<Item> items, Remote remote,
                                                               Consumer<YumRepository.Computed> speculated) {
        Map<String, Map<String, PackageMetadata>> byDir = new TreeMap<>();
        for (Item it : items) {
            if (it.rpm() != null) {
                long mtime = mtime(it.file());
                byDir.computeIfAbsent(ReleaseScan.dirOf(it.key()), a -> new TreeMap<>()).put(PathNames.name(it.file()),
                        PackageMetadata.from(it.rpm(), it.sha256(), mtime, PathNames.name(it.file())));
            }
        }
        Map<YumRepository, YumRepository.Computed> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, PackageMetadata>> e : byDir.entrySet()) {
            String dir = e.getKey();
            YumRepository y = repository(dir);
            out.put(y, y.compute(Futures.join(remote.repositories().get(dir)), e.getValue(), speculated));
        }
        return out;
    }

    /**
     * Uploads one file with the hashes of its verifying pass: only while nothing is stored under its key, or, replacing
     * {@code replaced} (forced), only while the stored object is still the version read, a package's replacement
     * announced first ({@link Replacements}).
     */
    Publisher.Outcome upload(Item it, StoredObject replaced) {
        String how;
        try {
            if (replaced != null && it.rpm() != null) {
                Replacements.mark(store, it.key(), it.sha256());
            }
            how = store.put(it.key(), it.file(), it.hashes(), replaced == null ? null : replaced.tag());
        } catch (ConcurrentWriteException e) {
            return concurrent(it);
        }
        return new Publisher.Outcome(it.key(), store.describe(it.key()),
                replaced != null ? Publisher.Status.REPLACED : Publisher.Status.UPLOADED, it.size(), it.sha256(), how);
    }

    /** Another publish stored or replaced this key between our read and our write: the same bytes are fine. */
    Publisher.Outcome concurrent(Item it) {
        if (existingSha(it.key()).map(it.sha256()::equals).orElse(false)) {
            return unchanged(it.key(), it.size(), it.sha256(), "identical bytes published by a concurrent publish");
        }
        throw refusal(List.of(store.describe(it.key())), "A concurrent publish stored different bytes there.");
    }

    Publisher.Outcome unchanged(String key, long size, String sha, String detail) {
        return new Publisher.Outcome(key, store.describe(key), Publisher.Status.UNCHANGED, size, sha, detail);
    }

    Publisher.Outcome refusedOutcome(String key, long size, String sha, String existing) {
        return new Publisher.Outcome(key, store.describe(key), Publisher.Status.REFUSED, size, sha,
                "already published with SHA-256 " + existing + "; this file has " + sha);
    }

    static PublishException refusal(List<String> refused, String tail) {
        return new PublishException("refusing to overwrite published object(s) with different bytes: "
                + String.join(", ", refused) + ". A published release is immutable: publish under a new tag, "
                + "or pass --force (force=true) to replace them. " + tail);
    }

    YumRepository repository(String dir) {
        return new YumRepository(store, dir, null, options.timestamp(), log, io).excluding(yanked);
    }

    void emit(List<Publisher.Outcome> outcomes, Publisher.Outcome o) {
        outcomes.add(o);
        progress.accept(o);
    }

    /** The SHA-256 of what is stored under a key, hashing a download only for foreign objects. */
    Optional<String> existingSha(String key) {
        return store.head(key).map(this::shaOf);
    }

    String shaOf(StoredObject o) {
        return o.sha256Hex() != null ? o.sha256Hex() : Digests.sha256Hex(store.get(o.key()).orElseThrow());
    }

    /** Runs the tasks on the I/O pool, results in order. */
    <T> List<T> all(List<Callable<T>> tasks) {
        return io.all(tasks);
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() / 1000;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + IoErrors.why(e), e);
        }
    }
}
