package io.avalanche.rpm.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.verify.RpmPackage;
import io.avalanche.rpm.verify.RpmReader;

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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Publishes a release directory (RPMs, RPM-GPG-KEY-avalanchego, release.json) to an {@link ObjectStore}:
 * {@code linux/rpms/<arch>/<file>.rpm}, {@code linux/rpms/RPM-GPG-KEY-avalanchego}, a signed yum
 * repository per arch directory and {@code linux/rpms/avalanchego.repo}. Published objects are
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

    private record Item(Path file, String key, String sha256, long size, RpmPackage rpm) {
    }

    /**
     * Publishes the release directory under the store's lock: checks (keys, packages, see {@link PublishGate}),
     * {@link #prepare}, then each repomd.xml signed with {@code options.signer()} (none: unsigned), then
     * {@link #complete}. Throws {@link PublishCheckException} when a check fails (nothing uploaded),
     * {@link PublishException} (naming objects) on refusal or failure.
     */
    public Result publish(Path releaseDir, Options options) {
        // checked before the lock is taken: a refused publish leaves no trace, not even a lock file
        List<Item> items = checked(releaseDir, options, true);
        try (ObjectStore.Lock lock = store.lock(options.lockWait())) {
            PendingPublish pending = prepare(items, options);
            return complete(pending, options.signer() == null ? Map.of() : pending.sign(options.signer()),
                    options.orphanGrace());
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
        List<Item> items = checked(releaseDir, options, false);
        try (ObjectStore.Lock lock = store.lock(options.lockWait())) {
            return prepare(items, options);
        }
    }

    /** The release's files, after the checks of {@link PublishGate} (unless a store-mechanics test turned them off). */
    private List<Item> checked(Path releaseDir, Options options, boolean signedHere) {
        List<Item> items = scan(releaseDir);
        if (options.checkRelease()) {
            new PublishGate(store, log).check(releaseDir, items.stream().filter(i -> i.rpm != null)
                    .map(i -> i.file).toList(), items.stream().filter(i -> i.rpm != null).map(i -> ROOT + i.rpm.arch()
                    + "/").distinct().toList(), options.signer(), signedHere, options.force(), ROOT + options.repoName()
                    + ".repo");
        }
        return items;
    }

    private PendingPublish prepare(List<Item> items, Options options) {
        List<Outcome> outcomes = new ArrayList<>();
        List<Item> toUpload = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Item it : items) {
            Optional<String> existing = existingSha(it.key);
            if (existing.isEmpty()) {
                toUpload.add(it);
            } else if (existing.get().equals(it.sha256)) {
                emit(outcomes, new Outcome(it.key, store.describe(it.key), Status.UNCHANGED, it.size, it.sha256,
                        "identical bytes already published"));
            } else if (options.force()) {
                toUpload.add(it);
            } else {
                refused.add(store.describe(it.key));
                emit(outcomes, new Outcome(it.key, store.describe(it.key), Status.REFUSED, it.size, it.sha256,
                        "already published with SHA-256 " + existing.get() + "; this file has " + it.sha256));
            }
        }
        if (!refused.isEmpty()) {
            throw refusal(refused, "Nothing was uploaded.");
        }
        for (Item it : toUpload) {
            boolean replacing = options.force() && store.head(it.key).isPresent();
            String how;
            try {
                how = replacing ? store.put(it.key, it.file, Digests.fromHex(it.sha256))
                        : store.putIfAbsent(it.key, it.file, Digests.fromHex(it.sha256));
            } catch (ConcurrentPublishException e) {
                // another publish stored it between our check and our write: same bytes are fine
                if (existingSha(it.key).map(it.sha256::equals).orElse(false)) {
                    emit(outcomes, new Outcome(it.key, store.describe(it.key), Status.UNCHANGED, it.size, it.sha256,
                            "identical bytes published by a concurrent publish"));
                    continue;
                }
                throw refusal(List.of(store.describe(it.key)), "A concurrent publish stored different bytes there.");
            }
            emit(outcomes, new Outcome(it.key, store.describe(it.key), replacing ? Status.REPLACED : Status.UPLOADED,
                    it.size, it.sha256, how));
        }
        Map<String, Map<String, PackageMetadata>> byArch = new TreeMap<>();
        for (Item it : items) {
            if (it.rpm != null) {
                String arch = it.rpm.arch();
                long mtime = mtime(it.file);
                byArch.computeIfAbsent(arch, a -> new TreeMap<>()).put(PathNames.name(it.file),
                        PackageMetadata.from(it.rpm, it.sha256, mtime, PathNames.name(it.file)));
            }
        }
        List<YumRepository.Pending> repos = new ArrayList<>();
        for (Map.Entry<String, Map<String, PackageMetadata>> e : byArch.entrySet()) {
            repos.add(repository(ROOT + e.getKey() + "/", options.timestamp()).prepare(e.getValue()));
        }
        String root = options.baseUrl() == null ? store.publicUrl(ROOT)
                : (options.baseUrl().endsWith("/") ? options.baseUrl() : options.baseUrl() + "/") + ROOT;
        return new PendingPublish(store.describe(ROOT), outcomes, repos, options.repoName(), root,
                options.timestamp(), options.force());
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
     * {@link ConcurrentPublishException} when a repomd.xml changed since {@link #prepare} read it (another publish
     * ran in between: re-run publish); repositories completed before stay consistent.
     */
    public Result complete(PendingPublish pending, Map<String, byte[]> signatures) {
        try (ObjectStore.Lock lock = store.lock(S3Settings.DEFAULT_TIMEOUT)) {
            return complete(pending, signatures, YumRepository.ORPHAN_GRACE);
        }
    }

    private Result complete(PendingPublish pending, Map<String, byte[]> signatures, Duration orphanGrace) {
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
        } else if (!pending.force()) {
            gate.refuseUnsigning(toSign.keySet(), ROOT + pending.repoName() + ".repo");
        }
        List<YumRepository.Result> repos = new ArrayList<>();
        for (YumRepository.Pending p : pending.repositories()) {
            repos.add(repository(p.dir(), pending.timestamp()).complete(p, signatures.get(p.dir()), key,
                    orphanGrace));
        }
        String repoUrl = writeRepoFile(pending.repoName(), pending.repoRoot(), signed);
        return new Result(List.copyOf(pending.objects()), List.copyOf(repos), repoUrl);
    }

    private YumRepository repository(String dir, long timestamp) {
        return new YumRepository(store, dir, null, timestamp, log);
    }

    private void emit(List<Outcome> outcomes, Outcome o) {
        outcomes.add(o);
        progress.accept(o);
    }

    /** The SHA-256 of what is stored under a key, hashing a download only for foreign objects. */
    private Optional<String> existingSha(String key) {
        return store.head(key).map(o -> o.sha256Hex() != null ? o.sha256Hex()
                : Digests.sha256Hex(store.get(key).orElseThrow()));
    }

    /** The .repo file customers drop into /etc/yum.repos.d; rewritten only when its text changes. */
    private String writeRepoFile(String repoName, String root, boolean signed) {
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
        if (!existingSha(key).map(sha::equals).orElse(false)) {
            store.put(key, bytes, "text/plain");
        }
        return store.publicUrl(key);
    }

    private List<Item> scan(Path dir) {
        // release.json digests are advisory (sign may rewrite RPMs); our own SHA-256 is what is checked
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
        Map<String, String> manifest = manifestDigests(dir.resolve(MANIFEST));
        List<Item> items = new ArrayList<>();
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
            String sha = Digests.hex(Digests.sha256(p));
            String declared = manifest.get(PathNames.name(p));
            if (declared != null && !declared.equalsIgnoreCase(sha)) {
                log.accept("warning: " + p + " has SHA-256 " + sha + " but " + dir.resolve(MANIFEST) + " lists "
                        + declared + " (signed after the manifest was written?); publishing the file as it is now");
            }
            items.add(new Item(p, ROOT + arch + "/" + p.getFileName(), sha, size(p), rpm));
        }
        Path key = dir.resolve(KEY_FILE);
        if (Files.isRegularFile(key)) {
            items.add(new Item(key, ROOT + KEY_FILE, Digests.hex(Digests.sha256(key)), size(key), null));
        } else {
            log.accept("warning: " + key + " is missing; the repository's gpgkey URL will not resolve");
        }
        return items;
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
                if (sha != null && sha.isTextual() && v != null && v.isTextual() && v.asText().endsWith(".rpm")) {
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
