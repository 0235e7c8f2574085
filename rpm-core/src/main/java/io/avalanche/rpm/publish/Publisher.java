package io.avalanche.rpm.publish;

import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.S3Settings;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes a release directory (RPMs, RPM-GPG-KEY-avalanchego, release.json) to a destination in a {@link Layout}:
 * the packages in their arch directories, the public key, a signed yum repository per arch and the .repo file.
 * Published objects are immutable: identical bytes are a no-op, different bytes are refused unless forced. Picks one
 * of three strategies ({@link LockedPublish}, {@link StreamingPublish}, {@link VerifyFirstPublish}); two phases
 * ({@link #prepare}, {@link #complete}) let the repository signatures be made where the key is.
 */
public final class Publisher implements AutoCloseable {
    private final ObjectStore store;
    private final boolean ownsStore;
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
     * outside this package's tests of store mechanics) verifies keys and packages before any upload; {@code layout}
     * is where everything goes.
     */
    public record Options(boolean force, DetachedSigner signer, long timestamp, String repoName, String baseUrl,
                          Duration lockWait, Duration orphanGrace, boolean checkRelease, Layout layout) {
        public static Options defaults(DetachedSigner signer) {
            return new Options(false, signer, System.currentTimeMillis() / 1000, Layout.REPO_NAME, null,
                    S3Settings.DEFAULT_TIMEOUT, YumRepository.ORPHAN_GRACE, true, Layout.SEED);
        }

        public Options withForce(boolean f) {
            return new Options(f, signer, timestamp, repoName, baseUrl, lockWait, orphanGrace, checkRelease, layout);
        }

        public Options withTimestamp(long t) {
            return new Options(force, signer, t, repoName, baseUrl, lockWait, orphanGrace, checkRelease, layout);
        }

        public Options withSigner(DetachedSigner s) {
            return new Options(force, s, timestamp, repoName, baseUrl, lockWait, orphanGrace, checkRelease, layout);
        }

        public Options withBaseUrl(String url) {
            Layout.checkBaseUrl(url);
            return new Options(force, signer, timestamp, repoName, url, lockWait, orphanGrace, checkRelease, layout);
        }

        public Options withLockWait(Duration d) {
            return new Options(force, signer, timestamp, repoName, baseUrl, d, orphanGrace, checkRelease, layout);
        }

        public Options withOrphanGrace(Duration d) {
            return new Options(force, signer, timestamp, repoName, baseUrl, lockWait, d, checkRelease, layout);
        }

        public Options withLayout(Layout l) {
            return new Options(force, signer, timestamp, repoName, baseUrl, lockWait, orphanGrace, checkRelease, l);
        }

        /** Only for tests of store mechanics with placeholder keys and unsigned packages. */
        Options withoutReleaseChecks() {
            return new Options(force, signer, timestamp, repoName, baseUrl, lockWait, orphanGrace, false, layout);
        }
    }

    /** What happened to one object; {@code detail} says how it was verified or why it was refused. */
    public record Outcome(String key, String location, Status status, long size, String sha256, String detail)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Everything a publish did: where (the destination as --to takes it), each object, each repository, the .repo file, whether the indexes are signed. */
    public record Result(String destination, List<Outcome> objects, List<YumRepository.Result> repositories,
                         String repoFileUrl, boolean signed) implements Serializable {
        private static final long serialVersionUID = 1L;

        /**
         * The result in the vocabulary the CLI's --json and the Jenkins steps share: {"destination", "signed",
         * "objects": [{key, location, status (lower case), size, sha256, detail}], "repositories": [{dir, packages,
         * reused, readRemotely, signed}], "repoFile"}.
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("destination", destination);
            m.put("signed", signed);
            m.put("objects", objects.stream().map(o -> {
                Map<String, Object> e = new java.util.LinkedHashMap<>();
                e.put("key", o.key());
                e.put("location", o.location());
                e.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
                e.put("size", o.size());
                e.put("sha256", o.sha256());
                e.put("detail", o.detail());
                return e;
            }).toList());
            m.put("repositories", repositories.stream().map(y -> {
                Map<String, Object> e = new java.util.LinkedHashMap<>();
                e.put("dir", y.dir());
                e.put("packages", y.packages());
                e.put("reused", y.reused());
                e.put("readRemotely", y.readRemotely());
                e.put("signed", signed);
                return e;
            }).toList());
            m.put("repoFile", repoFileUrl);
            return m;
        }
    }

    /** A publisher into a store the caller owns (and closes). */
    public Publisher(ObjectStore store, Consumer<Outcome> progress, Consumer<String> log) {
        this(store, false, progress, log);
    }

    private Publisher(ObjectStore store, boolean ownsStore, Consumer<Outcome> progress, Consumer<String> log) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.progress = progress;
        this.log = log;
        store.reportRetries(log);
    }

    /**
     * A publisher into {@code destination} ({@code s3://BUCKET[/prefix]} or {@code file:DIR}, checked first; S3
     * settings are used for s3:// only) that opens its store now and closes it with {@link #close}.
     */
    public static Publisher open(String destination, S3Settings s3, Consumer<Outcome> progress, Consumer<String> log) {
        return open(Destinations.check(destination), s3, progress, log);
    }

    /** As {@link #open(String, S3Settings, Consumer, Consumer)} for a destination checked already. */
    public static Publisher open(Destinations.Destination destination, S3Settings s3, Consumer<Outcome> progress,
                                 Consumer<String> log) {
        return new Publisher(Destinations.open(destination, s3), true, progress, log);
    }

    /** Where this publisher writes, for messages (e.g. {@code s3://bucket/prefix/linux/rpms/}). */
    public String describe(Layout layout) {
        return store.describe(layout.root());
    }

    /**
     * What {@link #publish} would do, read from the release directory alone (nothing at the destination is read or
     * written): the channel and, per package, the repository it will appear in (--dry-run). Refuses what publish
     * refuses before reading the destination (file names, manifest, mixed channels).
     */
    public Plan plan(Path releaseDir, Options options) {
        return Plan.of(ReleaseScan.of(releaseDir, options.layout(), log), options, store);
    }

    /** Where a publish puts each package: channel, repository directory and URL, object key, the .repo file. */
    public record Plan(String channel, boolean enabledByDefault, String repoName, String repoFile,
                       List<Placement> packages, String keyFile) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Plan {
            packages = List.copyOf(packages);
        }

        /** One package: its file, the repository (directory) it appears in, and its object. */
        public record Placement(String file, String name, String evr, String arch, String repository, String key)
                implements Serializable {
            private static final long serialVersionUID = 1L;
        }

        static Plan of(ReleaseScan release, Options options, ObjectStore store) {
            Layout layout = options.layout();
            List<Placement> ps = new java.util.ArrayList<>();
            for (ReleaseScan.Scanned f : release.files()) {
                if (f.rpm() != null) {
                    String dir = layout.archDir(release.channel(), f.rpm().arch());
                    ps.add(new Placement(io.avalanche.rpm.PathNames.name(f.file()), f.rpm().packageName(),
                            f.rpm().evr(), f.rpm().arch(), store.describe(dir), store.describe(f.key())));
                }
            }
            String name = Layout.repoName(options.repoName(), release.channel());
            return new Plan(release.channel().id(), release.channel().stable(), name,
                    store.describe(layout.repoFile(name)), ps, store.describe(layout.keyFile()));
        }

        /** The plan as --dry-run prints it. */
        public List<String> lines() {
            List<String> l = new java.util.ArrayList<>();
            l.add("channel: " + channel + " (repository " + repoName + ", " + (enabledByDefault
                    ? "enabled by default" : "opt-in: enabled=0, dnf --enablerepo=" + repoName) + ")");
            for (Placement p : packages) {
                l.add("  " + p.file() + " (" + p.name() + " " + p.evr() + " " + p.arch() + ") -> repository "
                        + p.repository() + " as " + p.key());
            }
            l.add("  .repo file: " + repoFile);
            l.add("  public key: " + keyFile);
            return l;
        }

        /** The plan as JSON-ready data. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("channel", channel);
            m.put("enabledByDefault", enabledByDefault);
            m.put("repoName", repoName);
            m.put("repoFile", repoFile);
            m.put("keyFile", keyFile);
            m.put("packages", packages.stream().map(p -> {
                Map<String, Object> e = new java.util.LinkedHashMap<>();
                e.put("file", p.file());
                e.put("name", p.name());
                e.put("evr", p.evr());
                e.put("arch", p.arch());
                e.put("repository", p.repository());
                e.put("key", p.key());
                return e;
            }).toList());
            return m;
        }
    }

    /**
     * Publishes the release directory: checks (keys, packages, see {@link PublishGate}), then packages, metadata, each
     * repomd.xml signed with {@code options.signer()} (none: unsigned), the index and the .repo file. Throws
     * {@link PublishCheckException} when a check fails (nothing uploaded), {@link PublishException} (naming objects)
     * on refusal or failure. On a store without a lock (S3) the destination is read while the packages are verified;
     * nothing is written before they verified.
     */
    public Result publish(Path releaseDir, Options options) {
        ReleaseScan release = ReleaseScan.of(releaseDir, options.layout(), log);
        try (Parallel io = new Parallel(Parallel.THREADS)) {
            PublishRun run = new PublishRun(store, options, progress, log, io, release.channel());
            if (store.exclusive()) {
                return LockedPublish.run(run, release);
            }
            if (StreamingPublish.applies(run, release)) {
                // one request per package; packages large enough for parallel parts are verified first instead
                return StreamingPublish.run(run, release);
            }
            return VerifyFirstPublish.run(run, release);
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
        ReleaseScan release = ReleaseScan.of(releaseDir, options.layout(), log);
        try (Parallel io = new Parallel(Parallel.THREADS)) {
            PublishRun run = new PublishRun(store, options, progress, log, io, release.channel());
            List<PublishRun.Item> items = run.checked(release, false);
            try (ObjectStore.Lock lock = store.lock(options.lockWait())) {
                return run.prepare(items, run.read(release));
            }
        }
    }

    /**
     * Phase 2: checks each signature against the published key (exit 3 when a key of it did not make it), refuses to
     * drop the signatures of a signed repository unless the publish was forced, writes each repository's
     * repomd.xml.asc (the armored detached signature over {@link PendingPublish#toSign()}'s bytes for its directory)
     * then repomd.xml, removes unreferenced metadata, then writes the .repo file (repo_gpgcheck=1 when signed).
     * {@code signatures} maps every repository directory or none (empty: unsigned). Throws
     * {@link io.avalanche.rpm.store.ConcurrentWriteException} when a repomd.xml changed since {@link #prepare} read it
     * (another publish ran in between: re-run publish); repositories completed before stay consistent.
     */
    public Result complete(PendingPublish pending, Map<String, byte[]> signatures) {
        Options options = Options.defaults(null).withLayout(pending.layout()).withTimestamp(pending.timestamp());
        try (Parallel io = new Parallel(Parallel.THREADS);
             ObjectStore.Lock lock = store.lock(S3Settings.DEFAULT_TIMEOUT)) {
            return new IndexCompletion(new PublishRun(store, options, progress, log, io,
                    Channel.STABLE)).complete(pending, signatures,
                    YumRepository.ORPHAN_GRACE, null, true);
        }
    }

    /** Closes the store when this publisher opened it ({@link #open}). */
    @Override
    public void close() {
        if (ownsStore) {
            store.close();
        }
    }
}
