package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.yum.PackageMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Publishes a release directory (RPMs, RPM-GPG-KEY-avalanchego, release.json) to an {@link ObjectStore}:
 * {@code linux/rpms/<arch>/<file>.rpm}, {@code linux/rpms/RPM-GPG-KEY-avalanchego}, a signed yum
 * repository per arch directory and {@code linux/rpms/avalanchego.repo}; a noarch package goes into the
 * repository of every arch the release has packages for. Published objects are
 * immutable: identical bytes are a no-op, different bytes are refused unless forced. Two phases
 * ({@link #prepare}, {@link #complete}) let the repository signatures be made where the key is.
 */
public final class Publisher {
    public static final String ROOT = "linux/rpms/";
    public static final String KEY_FILE = "RPM-GPG-KEY-avalanchego";
    public static final String MANIFEST = "release.json";

    private final ObjectStore store;
    private final Consumer<Outcome> progress;
    private final Consumer<String> log;

    /** Per-object result. */
    public enum Status { UPLOADED, UNCHANGED, REPLACED, REFUSED }

    /**
     * Publish options. {@code signer} signs each repomd.xml (null: unsigned repository, repo_gpgcheck=0);
     * {@code timestamp} (epoch seconds) stamps the metadata; {@code repoName} names the .repo file section;
     * {@code baseUrl} (null: the store's own URL) is where customers reach the destination root, e.g. a CDN;
     * {@code lockWait} bounds the wait for another publisher of a locked store; {@code orphanGrace} is how old an
     * unreferenced metadata file must be before an unlocked store (S3) removes it. {@code checkRelease} (always on
     * outside this package's tests of store mechanics) verifies keys and packages before any upload.
     */
    public record Options(boolean force, DetachedSigner signer, long timestamp, String repoName, String baseUrl,
                          Duration lockWait, Duration orphanGrace, boolean checkRelease) {
        public static Options defaults(DetachedSigner signer) {
            return new Options(false, signer, System.currentTimeMillis() / 1000, "avalanchego", null,
                    S3Settings.DEFAULT_TIMEOUT, YumRepository.ORPHAN_GRACE, true);
        }

        public Options withForce(boolean f) {
            return new Options(f, signer, timestamp, repoName, baseUrl, lockWait, orphanGrace, checkRelease);
        }

        public Options withTimestamp(long t) {
            return new Options(force, signer, t, repoName, baseUrl, lockWait, orphanGrace, checkRelease);
        }

        public Options withSigner(DetachedSigner s) {
            return new Options(force, s, timestamp, repoName, baseUrl, lockWait, orphanGrace, checkRelease);
        }

        public Options withBaseUrl(String url) {
            return new Options(force, signer, timestamp, repoName, url, lockWait, orphanGrace, checkRelease);
        }

        public Options withLockWait(Duration d) {
            return new Options(force, signer, timestamp, repoName, baseUrl, d, orphanGrace, checkRelease);
        }

        public Options withOrphanGrace(Duration d) {
            return new Options(force, signer, timestamp, repoName, baseUrl, lockWait, d, checkRelease);
        }

        /** Only for tests of store mechanics with placeholder keys and unsigned packages. */
        Options withoutReleaseChecks() {
            return new Options(force, signer, timestamp, repoName, baseUrl, lockWait, orphanGrace, false);
        }
    }

    /** What happened to one object; {@code detail} says how it was verified or why it was refused. */
    public record Outcome(String key, String location, Status status, long size, String sha256, String detail)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Everything a publish did. */
    public record Result(List<Outcome> objects, List<YumRepository.Result> repositories, String repoFileUrl)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public Publisher(ObjectStore store, Consumer<Outcome> progress, Consumer<String> log) {
        this.store = store;
        this.progress = progress;
        this.log = log;
    }

    /** A file of the release directory: where it goes, its size, its parsed headers (null: the key file). */
    private record Scanned(Path file, String key, long size, RpmPackage rpm) {
    }

    /** A file after its verifying read pass, with the hashes that pass made. */
    private record Item(Path file, String key, FileHashes hashes, long size, RpmPackage rpm) {
        String sha256() {
            return hashes.hex();
        }
    }

    /** The release scanned: its files and the SHA-256s its release.json records (file name to hex). */
    private record Release(Path dir, List<Scanned> files, Map<String, String> manifest) {
        List<Path> rpms() {
            return files.stream().filter(f -> f.rpm != null).map(Scanned::file).distinct().toList();
        }

        /** release.json records a SHA-256 for every package: the checksum its upload can declare before it is read. */
        boolean declaresEveryPackage() {
            return files.stream().filter(f -> f.rpm != null).allMatch(f -> {
                String d = manifest.get(PathNames.name(f.file));
                return d != null && d.matches("[0-9a-fA-F]{64}");
            });
        }

        List<String> dirs() {
            return files.stream().filter(f -> f.rpm != null).map(f -> dirOf(f.key)).distinct().toList();
        }
    }

    /**
     * What the destination holds, read before any write: each object the release would write (empty: absent), each
     * repository's state, and the .repo file.
     */
    private record Remote(Map<String, Optional<StoredObject>> objects,
                          Map<String, CompletableFuture<YumRepository.State>> repositories,
                          Optional<StoredObject> repoFile) {
    }

    /**
     * Publishes the release directory under the store's lock: checks (keys, packages, see {@link PublishGate}),
     * {@link #prepare}, then each repomd.xml signed with {@code options.signer()} (none: unsigned), then
     * {@link #complete}. Throws {@link PublishCheckException} when a check fails (nothing uploaded),
     * {@link PublishException} (naming objects) on refusal or failure. On a store without a lock (S3) the destination
     * is read while the packages are verified; nothing is written before they verified.
     */
    public Result publish(Path releaseDir, Options options) {
        Release release = scan(releaseDir);
        try (Parallel io = new Parallel(Parallel.THREADS)) {
            List<Item> items;
            Remote remote;
            if (store.exclusive()) {
                // checked before the lock is taken: a refused publish leaves no trace, not even a lock file
                items = checked(release, options, true);
                try (ObjectStore.Lock lock = store.lock(options.lockWait())) {
                    return publishLocked(items, read(release, options, io), options, io);
                }
            }
            if (store.streams() && options.checkRelease() && release.declaresEveryPackage()
                    && release.files.stream().allMatch(f -> store.partSize(f.size) == 0)) {
                // one request per package; packages large enough for parallel parts are verified first instead
                return publishStreaming(release, options, io);
            }
            CompletableFuture<List<Item>> verified = CompletableFuture.supplyAsync(() -> checked(release, options, true),
                    Publisher::newThread);
            try {
                remote = read(release, options, io);
            } catch (RuntimeException e) {
                joinVerified(verified);   // a failed check explains more than a failed read
                throw e;
            }
            items = joinVerified(verified);
            try (ObjectStore.Lock lock = store.lock(options.lockWait())) {
                return publishLocked(items, remote, options, io);
            }
        }
    }

    private static void newThread(Runnable r) {
        Thread t = new Thread(r, "publish-check");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A publish to a store that streams uploads (S3) of a release whose release.json records every package's SHA-256
     * (declared with the upload, S3 checks the bytes against it; the verifying pass checks it too): the key checks run while the destination is read; each new
     * package is verified while it uploads ({@link VerifyingBody}: one read pass checks digests and signature, makes
     * the SHA-256 and feeds the request, whose last byte waits until every package passed), then the key file, the
     * metadata and the index as usual. A package that fails leaves nothing stored.
     */
    private Result publishStreaming(Release release, Options options, Parallel io) {
        PublishGate gate = new PublishGate(store, log);
        CompletableFuture<RepositoryKey> keys = CompletableFuture.supplyAsync(() -> gate.checkKeys(release.dir,
                release.dirs(), options.signer(), true, options.force(), ROOT + options.repoName() + ".repo"),
                Publisher::newThread);
        Remote remote;
        try {
            remote = read(release, options, io);
        } catch (RuntimeException e) {
            joinVerified(keys);
            throw e;
        }
        RepositoryKey key = joinVerified(keys);
        log.accept("checking " + release.rpms().size() + " package(s) against " + key.source() + " (key "
                + key.describe() + ") as they upload");
        PackageVerifier verifier = new PackageVerifier(key.trusted());
        CompletableFuture<Void> allPassed = new CompletableFuture<>();
        Map<Scanned, VerifyingBody> bodies = new java.util.LinkedHashMap<>();
        for (Scanned f : release.files) {
            if (f.rpm != null) {
                String declared = release.manifest.get(PathNames.name(f.file));
                bodies.put(f, new VerifyingBody(f.file, f.size, verifier, allPassed,
                        h -> declared != null && !declared.equalsIgnoreCase(h.hex())
                                ? manifestMismatch(release, f.file, h.hex(), declared) : null));
            }
        }
        Scanned keyFile = release.files.stream().filter(f -> f.rpm == null).findFirst().orElse(null);
        FileHashes keyHashes = keyFile == null ? null : FileHashes.of(keyFile.file, 0);
        String keyDeclared = keyFile == null ? null : release.manifest.get(KEY_FILE);
        if (keyDeclared != null && !keyDeclared.equalsIgnoreCase(keyHashes.hex())) {
            throw new PublishCheckException(manifestMismatch(release, keyFile.file, keyHashes.hex(), keyDeclared));
        }
        // what exists already is compared first (its verifying pass uploads nothing): unchanged, refused or replaced
        List<Outcome> outcomes = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<Scanned> toStream = new ArrayList<>();
        for (Scanned f : release.files) {
            Optional<String> existing = remote.objects().get(f.key).map(this::shaOf);
            if (existing.isEmpty()) {
                if (f.rpm != null) {
                    toStream.add(f);
                }
                continue;
            }
            String sha = f.rpm == null ? keyHashes.hex() : bodies.get(f).verifyNow().hashes() == null ? null
                    : bodies.get(f).verifyNow().hashes().hex();
            if (existing.get().equals(sha)) {
                emit(outcomes, new Outcome(f.key, store.describe(f.key), Status.UNCHANGED, f.size, sha,
                        "identical bytes already published"));
            } else if (options.force()) {
                if (f.rpm != null) {
                    toStream.add(f);
                }
            } else {
                refused.add(store.describe(f.key));
                emit(outcomes, new Outcome(f.key, store.describe(f.key), Status.REFUSED, f.size, sha,
                        "already published with SHA-256 " + existing.get() + "; this file has " + sha));
            }
        }
        if (!refused.isEmpty()) {
            bodies.values().forEach(VerifyingBody::verifyNow);
            failChecks(key, bodies);
            throw refusal(refused, "Nothing was uploaded.");
        }
        // every package still to verify uploads at once, each on its own thread (they wait for each other)
        CompletableFuture.allOf(bodies.values().stream().map(b -> b.verdict).toArray(CompletableFuture[]::new))
                .thenRun(() -> {
                    if (bodies.values().stream().allMatch(b -> b.verdict.join().problem() == null)) {
                        allPassed.complete(null);
                    } else {
                        allPassed.completeExceptionally(new PublishCheckException("a package failed its checks"));
                    }
                });
        bodies.forEach((f, b) -> {
            if (!toStream.contains(f)) {
                b.verifyNow();
            }
        });
        List<CompletableFuture<Object>> uploads = new ArrayList<>();
        for (Scanned f : toStream) {
            boolean replacing = remote.objects().get(f.key).isPresent();
            VerifyingBody body = bodies.get(f);
            String declared = release.manifest.get(PathNames.name(f.file));
            CompletableFuture<Object> u = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    u.complete(store.putStreaming(f.key, f.size, body::newStream, Digests.fromHex(declared),
                            !replacing));
                } catch (RuntimeException e) {
                    u.complete(e);
                } finally {
                    body.verifyNow();   // a request that never read its body still decides the package
                }
            }, "publish-upload");
            t.setDaemon(true);
            t.start();
            uploads.add(u);
        }
        // the metadata is computed while the packages stream, from the SHA-256s release.json declares: S3 refuses
        // bytes that do not have them and the verifying pass refuses a release.json that is wrong
        List<Item> declaredItems = new ArrayList<>();
        for (Scanned f : release.files) {
            FileHashes h = f.rpm == null ? keyHashes : toStream.contains(f)
                    ? FileHashes.whole(Digests.fromHex(release.manifest.get(PathNames.name(f.file))), f.size)
                    : bodies.get(f).verdict.join().hashes();
            if (h != null) {
                declaredItems.add(new Item(f.file, f.key, h, f.size, f.rpm));
            }
        }
        Map<YumRepository, YumRepository.Computed> computed;
        try {
            computed = computeMetadata(declaredItems, remote, options, io);
        } catch (RuntimeException e) {
            uploads.forEach(CompletableFuture::join);
            failChecks(key, bodies);   // a package that failed its checks explains more
            throw e;
        }
        List<Object> results = uploads.stream().map(CompletableFuture::join).toList();
        failChecks(key, bodies);
        Map<String, Item> items = new java.util.LinkedHashMap<>();
        for (Scanned f : release.files) {
            FileHashes h = f.rpm == null ? keyHashes : bodies.get(f).verdict.join().hashes();
            items.put(f.key, new Item(f.file, f.key, h, f.size, f.rpm));
        }
        List<java.util.concurrent.Future<Outcome>> later = new ArrayList<>();
        if (keyFile != null && remote.objects().get(keyFile.key).map(this::shaOf).map(s -> !s.equals(keyHashes.hex()))
                .orElse(true) && (options.force() || remote.objects().get(keyFile.key).isEmpty())) {
            Item k = items.get(keyFile.key);
            later.add(io.submit(() -> upload(k, remote.objects().get(k.key).isPresent())));
        }
        for (int i = 0; i < toStream.size(); i++) {
            Scanned f = toStream.get(i);
            Item it = items.get(f.key);
            boolean replacing = remote.objects().get(f.key).isPresent();
            Object r = results.get(i);
            if (r instanceof ConcurrentWriteException) {
                if (existingSha(it.key).map(it.sha256()::equals).orElse(false)) {
                    emit(outcomes, new Outcome(it.key, store.describe(it.key), Status.UNCHANGED, it.size, it.sha256(),
                            "identical bytes published by a concurrent publish"));
                    continue;
                }
                throw refusal(List.of(store.describe(it.key)), "A concurrent publish stored different bytes there.");
            }
            if (r instanceof RuntimeException e) {
                throw e;
            }
            String echoed = (String) r;
            String how;
            if (echoed == null) {
                how = store.verify(it.key, it.hashes.sha256(), it.size);
            } else if (echoed.equals(Digests.base64(it.hashes.sha256()))) {
                how = S3Store.VERIFIED;
            } else {
                throw new PublishException(store.describe(it.key) + ": checksum mismatch after upload: S3 confirmed "
                        + "SHA-256 " + Digests.hex(Digests.fromBase64(echoed)) + ", the package verified has "
                        + it.sha256() + "; re-run publish with --force to replace it");
            }
            emit(outcomes, new Outcome(it.key, store.describe(it.key), replacing ? Status.REPLACED : Status.UPLOADED,
                    it.size, it.sha256(), how));
        }
        List<java.util.concurrent.Callable<Boolean>> puts = new ArrayList<>();
        computed.values().forEach(c -> puts.addAll(c.puts()));
        io.all(puts);
        for (java.util.concurrent.Future<Outcome> f : later) {
            emit(outcomes, Parallel.join(f));
        }
        PendingPublish pending = pending(outcomes, computed.values().stream().map(YumRepository.Computed::pending)
                .toList(), options);
        return complete(pending, options.signer() == null ? Map.of() : pending.sign(options.signer()),
                options.orphanGrace(), io, remote.repoFile(), false);
    }

    /** The check failure of packages whose verifying pass found a problem; nothing when all passed. */
    private static void failChecks(RepositoryKey key, Map<Scanned, VerifyingBody> bodies) {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<Scanned, VerifyingBody> e : bodies.entrySet()) {
            VerifyingBody.Verdict v = e.getValue().verdict.join();
            if (v.problem() == null) {
                continue;
            }
            if (v.report() == null || v.report().ok()) {
                throw new PublishCheckException(v.problem().startsWith(e.getKey().file.toString()) ? v.problem()
                        : e.getKey().file + " " + v.problem() + ". Nothing was uploaded.");
            }
            bad.add(PublishGate.describeFailures(e.getKey().file, v.report()));
        }
        if (!bad.isEmpty()) {
            throw PublishGate.packagesFailure(key, bad);
        }
    }

    private static String manifestMismatch(Release release, Path file, String actual, String declared) {
        return file + " has SHA-256 " + actual + " but " + release.dir.resolve(MANIFEST) + " records " + declared
                + " for it: the file changed after the release was built or signed. Rebuild the release, or re-sign it "
                + "with rpm-release sign (which updates " + MANIFEST + "). Nothing was uploaded.";
    }

    private Result publishLocked(List<Item> items, Remote remote, Options options, Parallel io) {
        PendingPublish pending = prepare(items, remote, options, io);
        return complete(pending, options.signer() == null ? Map.of() : pending.sign(options.signer()),
                options.orphanGrace(), io, remote.repoFile(), false);
    }

    private static <T> T joinVerified(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Phase 1 of a publish whose repository signatures are made elsewhere (the key on another machine): checks
     * the release (packages against its key, {@code options.signer()} too when given), checks immutability, uploads
     * the packages and the key, stores the new metadata files of each repository, and stops before any
     * repomd.xml(.asc) or the .repo file is written. Abandoning the result leaves every published index as it was,
     * naming files that still exist.
     */
    public PendingPublish prepare(Path releaseDir, Options options) {
        Release release = scan(releaseDir);
        List<Item> items = checked(release, options, false);
        try (Parallel io = new Parallel(Parallel.THREADS);
             ObjectStore.Lock lock = store.lock(options.lockWait())) {
            return prepare(items, read(release, options, io), options, io);
        }
    }

    /**
     * The release's files after the checks of {@link PublishGate} (unless a store-mechanics test turned them off),
     * hashed in the read pass that verified them; refused when release.json records another SHA-256 for one of them.
     */
    private List<Item> checked(Release release, Options options, boolean signedHere) {
        Map<Path, FileHashes.Hasher> tees = new java.util.HashMap<>();
        for (Scanned f : release.files) {
            if (f.rpm != null) {
                tees.put(f.file, new FileHashes.Hasher(store.partSize(f.size)));
            }
        }
        if (options.checkRelease()) {
            new PublishGate(store, log).check(release.dir, release.rpms(), release.dirs(), options.signer(),
                    signedHere, options.force(), ROOT + options.repoName() + ".repo", tees);
        }
        List<Item> items = new ArrayList<>();
        Map<Path, FileHashes> finished = new java.util.HashMap<>();   // a noarch package is in several directories
        for (Scanned f : release.files) {
            FileHashes h = f.rpm == null || !options.checkRelease() ? FileHashes.of(f.file, store.partSize(f.size))
                    : finished.computeIfAbsent(f.file, x -> tees.get(x).finish());
            if (h.size() != f.size) {
                throw new PublishCheckException(f.file + " changed size while it was checked (" + f.size + " then "
                        + h.size() + " bytes): do not modify a release while it is published. Nothing was uploaded.");
            }
            String declared = release.manifest.get(PathNames.name(f.file));
            if (declared != null && !declared.equalsIgnoreCase(h.hex())) {
                throw new PublishCheckException(manifestMismatch(release, f.file, h.hex(), declared));
            }
            items.add(new Item(f.file, f.key, h, f.size, f.rpm));
        }
        return items;
    }

    /** Reads, concurrently, what the destination holds where this release would write. */
    private Remote read(Release release, Options options, Parallel io) {
        String repoKey = ROOT + options.repoName() + ".repo";
        Map<String, java.util.concurrent.Future<Optional<StoredObject>>> heads = new java.util.LinkedHashMap<>();
        for (Scanned f : release.files) {
            heads.put(f.key, io.submit(() -> store.head(f.key)));
        }
        java.util.concurrent.Future<Optional<StoredObject>> repoFile = io.submit(() -> store.head(repoKey));
        Map<String, CompletableFuture<YumRepository.State>> repos = new TreeMap<>();
        for (String dir : release.dirs()) {
            // the listing and the metadata are needed only once the uploads run: read on their own thread
            YumRepository y = repository(dir, options.timestamp(), io);
            repos.put(dir, CompletableFuture.supplyAsync(y::read, Publisher::newThread));
        }
        Map<String, Optional<StoredObject>> objects = new java.util.LinkedHashMap<>();
        heads.forEach((k, f) -> objects.put(k, Parallel.join(f)));
        return new Remote(objects, repos, Parallel.join(repoFile));
    }

    private PendingPublish prepare(List<Item> items, Remote remote, Options options, Parallel io) {
        List<Outcome> outcomes = new ArrayList<>();
        List<Item> toUpload = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Item it : items) {
            Optional<String> existing = remote.objects().get(it.key).map(this::shaOf);
            if (existing.isEmpty()) {
                toUpload.add(it);
            } else if (existing.get().equals(it.sha256())) {
                emit(outcomes, new Outcome(it.key, store.describe(it.key), Status.UNCHANGED, it.size, it.sha256(),
                        "identical bytes already published"));
            } else if (options.force()) {
                toUpload.add(it);
            } else {
                refused.add(store.describe(it.key));
                emit(outcomes, new Outcome(it.key, store.describe(it.key), Status.REFUSED, it.size, it.sha256(),
                        "already published with SHA-256 " + existing.get() + "; this file has " + it.sha256()));
            }
        }
        if (!refused.isEmpty()) {
            throw refusal(refused, "Nothing was uploaded.");
        }
        // the uploads run while the metadata is generated and stored: metadata files are content-addressed and no
        // index names them before complete, so a failed upload leaves only unreferenced files (removed later)
        List<java.util.concurrent.Future<Outcome>> uploads = new ArrayList<>();
        for (Item it : toUpload) {
            boolean replacing = options.force() && remote.objects().get(it.key).isPresent();
            uploads.add(io.submit(() -> upload(it, replacing)));
        }
        return metadata(items, remote, options, io, outcomes, uploads);
    }

    /**
     * The metadata of each repository from the items' headers and hashes, stored while {@code uploads} run; then
     * their outcomes. The pending publish of {@link #prepare}.
     */
    private PendingPublish metadata(List<Item> items, Remote remote, Options options, Parallel io,
                                    List<Outcome> outcomes, List<java.util.concurrent.Future<Outcome>> uploads) {
        List<YumRepository.Pending> repos = new ArrayList<>();
        RuntimeException failed = null;
        try {
            for (Map.Entry<YumRepository, YumRepository.Computed> e : computeMetadata(items, remote, options, io)
                    .entrySet()) {
                e.getKey().store(e.getValue());
                repos.add(e.getValue().pending());
            }
        } catch (RuntimeException e) {
            failed = e;
        }
        for (java.util.concurrent.Future<Outcome> f : uploads) {
            try {
                emit(outcomes, Parallel.join(f));
            } catch (RuntimeException e) {
                failed = failed == null || failed instanceof ConcurrentWriteException ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return pending(outcomes, repos, options);
    }

    private PendingPublish pending(List<Outcome> outcomes, List<YumRepository.Pending> repos, Options options) {
        String root = options.baseUrl() == null ? store.publicUrl(ROOT)
                : (options.baseUrl().endsWith("/") ? options.baseUrl() : options.baseUrl() + "/") + ROOT;
        return new PendingPublish(store.describe(ROOT), outcomes, repos, options.repoName(), root,
                options.timestamp(), options.force());
    }

    /** Each repository's new metadata (not stored yet) from the items' headers and SHA-256s. */
    private Map<YumRepository, YumRepository.Computed> computeMetadata(List<Item> items, Remote remote,
                                                                       Options options, Parallel io) {
        Map<String, Map<String, PackageMetadata>> byDir = new TreeMap<>();
        for (Item it : items) {
            if (it.rpm != null) {
                long mtime = mtime(it.file);
                byDir.computeIfAbsent(dirOf(it.key), a -> new TreeMap<>()).put(PathNames.name(it.file),
                        PackageMetadata.from(it.rpm, it.sha256(), mtime, PathNames.name(it.file)));
            }
        }
        Map<YumRepository, YumRepository.Computed> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Map<String, PackageMetadata>> e : byDir.entrySet()) {
            String dir = e.getKey();
            YumRepository y = repository(dir, options.timestamp(), io);
            out.put(y, y.compute(joinVerified(remote.repositories().get(dir)), e.getValue()));
        }
        return out;
    }

    /** Uploads one file with the hashes of its verifying pass; conditional unless it replaces (forced). */
    private Outcome upload(Item it, boolean replacing) {
        String how;
        try {
            how = store.put(it.key, it.file, it.hashes, !replacing);
        } catch (ConcurrentWriteException e) {
            // another publish stored it between our check and our write: same bytes are fine
            if (existingSha(it.key).map(it.sha256()::equals).orElse(false)) {
                return new Outcome(it.key, store.describe(it.key), Status.UNCHANGED, it.size, it.sha256(),
                        "identical bytes published by a concurrent publish");
            }
            throw refusal(List.of(store.describe(it.key)), "A concurrent publish stored different bytes there.");
        }
        return new Outcome(it.key, store.describe(it.key), replacing ? Status.REPLACED : Status.UPLOADED, it.size,
                it.sha256(), how);
    }

    private static PublishException refusal(List<String> refused, String tail) {
        return new PublishException("refusing to overwrite published object(s) with different bytes: "
                + String.join(", ", refused) + ". A published release is immutable: publish under a new tag, "
                + "or pass --force (force=true) to replace them. " + tail);
    }

    /**
     * Phase 2: checks each signature against the published RPM-GPG-KEY-avalanchego (exit 3 when a key of it did not
     * make it), refuses to drop the signatures of a signed repository unless the publish was forced, writes each
     * repository's repomd.xml.asc (the armored detached signature over {@link PendingPublish#toSign()}'s bytes for
     * its directory) then repomd.xml, removes unreferenced metadata, then writes the .repo file (repo_gpgcheck=1 when
     * signed). {@code signatures} maps every repository directory or none (empty: unsigned). Throws
     * {@link ConcurrentWriteException} when a repomd.xml changed since {@link #prepare} read it (another publish
     * ran in between: re-run publish); repositories completed before stay consistent.
     */
    public Result complete(PendingPublish pending, Map<String, byte[]> signatures) {
        try (Parallel io = new Parallel(Parallel.THREADS);
             ObjectStore.Lock lock = store.lock(S3Settings.DEFAULT_TIMEOUT)) {
            return complete(pending, signatures, YumRepository.ORPHAN_GRACE, io, null, true);
        }
    }

    /**
     * @param repoFile the .repo object as read before (null: read it now)
     * @param checkUnsigning refuse to unsign a signed repository here; false when this run's checks just did (a signed
     *                       publish in between changes the index, which the conditional index write then refuses)
     */
    private Result complete(PendingPublish pending, Map<String, byte[]> signatures, Duration orphanGrace, Parallel io,
                            Optional<StoredObject> repoFile, boolean checkUnsigning) {
        if (!pending.destination().equals(store.describe(ROOT))) {
            throw new PublishException("this publish was prepared for " + pending.destination() + ", not "
                    + store.describe(ROOT) + ": complete it with the same destination");
        }
        Map<String, byte[]> toSign = pending.toSign();
        for (String dir : signatures.keySet()) {
            if (!toSign.containsKey(dir)) {
                throw new PublishException("a signature was given for " + store.describe(dir)
                        + ", which this publish has no repository metadata for; sign exactly " + toSign.keySet());
            }
        }
        boolean signed = !signatures.isEmpty();
        if (signed && !signatures.keySet().containsAll(toSign.keySet())) {
            List<String> missing = new ArrayList<>(toSign.keySet());
            missing.removeAll(signatures.keySet());
            throw new PublishException("no repomd.xml signature for " + missing.stream().map(store::describe).toList()
                    + ": sign every repository of the publish or none. Nothing was written.");
        }
        for (Map.Entry<String, byte[]> e : signatures.entrySet()) {
            if (e.getValue() == null || !new String(e.getValue(), StandardCharsets.US_ASCII)
                    .contains("-----BEGIN PGP SIGNATURE-----")) {
                throw new PublishException("the signature for " + store.describe(e.getKey() + YumRepository.REPOMD)
                        + " is not an ASCII-armored OpenPGP signature. Nothing was written.");
            }
        }
        PublishGate gate = new PublishGate(store, log);
        RepositoryKey key = signed ? gate.publishedKey(ROOT + KEY_FILE) : null;
        if (signed) {
            for (Map.Entry<String, byte[]> e : signatures.entrySet()) {
                String why = key.checkDetached(toSign.get(e.getKey()), e.getValue());
                if (why != null) {
                    throw new PublishCheckException("the signature for " + store.describe(e.getKey()
                            + YumRepository.REPOMD) + " is " + why + ": dnf would reject the repository. Sign with the "
                            + "key " + store.describe(ROOT + KEY_FILE) + " publishes. Nothing was written.");
                }
            }
        } else if (!pending.force() && checkUnsigning) {
            gate.refuseUnsigning(toSign.keySet(), ROOT + pending.repoName() + ".repo");
        }
        List<YumRepository.Result> indexed = new ArrayList<>();
        for (YumRepository.Pending p : pending.repositories()) {
            indexed.add(repository(p.dir(), pending.timestamp(), io).completeIndex(p, signatures.get(p.dir()), key,
                    !checkUnsigning));
        }
        // every index is written: the .repo file and the removal of unreferenced metadata go at once
        List<java.util.concurrent.Callable<Object>> last = new ArrayList<>();
        last.add(() -> writeRepoFile(pending.repoName(), pending.repoRoot(), signed, repoFile));
        for (int i = 0; i < indexed.size(); i++) {
            YumRepository.Pending p = pending.repositories().get(i);
            List<String> written = indexed.get(i).written();
            YumRepository y = repository(p.dir(), pending.timestamp(), null);
            last.add(() -> y.removeOrphans(p, written, orphanGrace));
        }
        List<Object> done = io.all(last);
        List<YumRepository.Result> repos = new ArrayList<>();
        for (int i = 0; i < indexed.size(); i++) {
            YumRepository.Result r = indexed.get(i);
            List<String> removed = new ArrayList<>(r.removed());
            for (Object o : (List<?>) done.get(i + 1)) {
                removed.add((String) o);
            }
            repos.add(new YumRepository.Result(r.dir(), r.packages(), r.reused(), r.readRemotely(), r.written(),
                    removed));
        }
        return new Result(List.copyOf(pending.objects()), List.copyOf(repos), (String) done.get(0));
    }

    private YumRepository repository(String dir, long timestamp, Parallel io) {
        return new YumRepository(store, dir, null, timestamp, log, io);
    }

    private void emit(List<Outcome> outcomes, Outcome o) {
        outcomes.add(o);
        progress.accept(o);
    }

    /** The SHA-256 of what is stored under a key, hashing a download only for foreign objects. */
    private Optional<String> existingSha(String key) {
        return store.head(key).map(this::shaOf);
    }

    private String shaOf(StoredObject o) {
        return o.sha256Hex() != null ? o.sha256Hex() : Digests.sha256Hex(store.get(o.key()).orElseThrow());
    }

    /** The .repo file customers drop into /etc/yum.repos.d; rewritten only when its text changes. */
    private String writeRepoFile(String repoName, String root, boolean signed, Optional<StoredObject> known) {
        String key = ROOT + repoName + ".repo";
        String text = "[" + repoName + "]\n"
                + "name=AvalancheGo $basearch\n"
                + "baseurl=" + root + "$basearch/\n"
                + "enabled=1\n"
                + "gpgcheck=1\n"
                + "repo_gpgcheck=" + (signed ? 1 : 0) + "\n"
                + "gpgkey=" + root + KEY_FILE + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String sha = Digests.sha256Hex(bytes);
        Optional<String> now = known == null ? existingSha(key) : known.map(this::shaOf);
        if (!now.map(sha::equals).orElse(false)) {
            store.put(key, bytes, "text/plain");
        }
        return store.publicUrl(key);
    }

    private Release scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PublishException(dir + ": not a release directory (expected RPMs, " + KEY_FILE + ", "
                    + MANIFEST + ")");
        }
        List<Path> rpms;
        try (Stream<Path> s = Files.list(dir)) {
            rpms = s.filter(p -> PathNames.name(p).endsWith(".rpm") && Files.isRegularFile(p)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (rpms.isEmpty()) {
            throw new PublishException(dir + ": no .rpm files to publish");
        }
        // release.json's SHA-256s are checked against the ones the verifying read pass makes, never trusted
        Map<String, String> manifest = manifestDigests(dir.resolve(MANIFEST));
        List<Scanned> files = new ArrayList<>();
        List<Path> noarch = new ArrayList<>();
        Map<Path, RpmPackage> read = new java.util.HashMap<>();
        for (Path p : rpms) {
            RpmPackage rpm = RpmReader.read(p);
            String arch = rpm.arch();
            if (java.util.Arrays.stream(Arch.values()).noneMatch(a -> a.rpm().equals(arch))) {
                throw new PublishCheckException(p + ": header ARCH '" + printable(arch) + "' is not a known "
                        + "architecture (" + java.util.Arrays.stream(Arch.values()).map(Arch::rpm).toList()
                        + "); rebuild the package with --arch. Nothing was uploaded.");
            }
            String name = PathNames.name(p);
            if (name.startsWith(".") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
                throw new PublishException(p + ": file name cannot be published (hidden, control characters or "
                        + "backslash); rename it <name>-<tag>-<arch>.rpm");
            }
            if (arch.equals(Arch.NOARCH.rpm())) {
                noarch.add(p);
                read.put(p, rpm);
            } else {
                files.add(new Scanned(p, ROOT + arch + "/" + p.getFileName(), size(p), rpm));
            }
        }
        List<String> archDirs = files.stream().map(f -> dirOf(f.key)).distinct().sorted().toList();
        if (!noarch.isEmpty() && archDirs.isEmpty()) {
            throw new PublishCheckException(dir + ": " + noarch.get(0).getFileName() + " is noarch and is published "
                    + "in the repository of each arch the release has packages for, but the release has none; "
                    + "publish it with the x86_64/aarch64 packages it belongs to. Nothing was uploaded.");
        }
        for (Path p : noarch) {
            for (String d : archDirs) {
                files.add(new Scanned(p, d + p.getFileName(), size(p), read.get(p)));
            }
        }
        Path key = dir.resolve(KEY_FILE);
        if (Files.isRegularFile(key)) {
            files.add(new Scanned(key, ROOT + KEY_FILE, size(key), null));
        } else {
            log.accept("warning: " + key + " is missing; the repository's gpgkey URL will not resolve");
        }
        return new Release(dir, files, manifest);
    }

    /** The repository directory of an object key ({@code linux/rpms/<arch>/}). */
    private static String dirOf(String key) {
        return key.substring(0, key.lastIndexOf('/') + 1);
    }

    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c)
                : new String(Character.toChars(c))));
        return b.toString();
    }

    /** File name to SHA-256 from release.json when it has entries with a file/name and sha256; else empty. */
    private static Map<String, String> manifestDigests(Path manifest) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isRegularFile(manifest)) {
            return out;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new PublishException(manifest + ": not valid JSON (" + e.getMessage() + "); rebuild the release", e);
        }
        collect(root, out);
        return out;
    }

    private static void collect(JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            JsonNode sha = n.get("sha256");
            for (String f : List.of("file", "fileName", "filename", "name", "path")) {
                JsonNode v = n.get(f);
                if (sha != null && sha.isTextual() && v != null && v.isTextual() && (v.asText().endsWith(".rpm")
                        || PathNames.name(Path.of(v.asText())).equals(KEY_FILE))) {
                    out.put(PathNames.name(Path.of(v.asText())), sha.asText());
                }
            }
        }
        n.forEach(c -> collect(c, out));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + e.getMessage(), e);
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() / 1000;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + e.getMessage(), e);
        }
    }
}
