package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.Futures;
import io.avalanche.rpm.store.ConcurrentWriteException;
import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.Parallel;
import io.avalanche.rpm.store.S3Store;
import io.avalanche.rpm.store.StoredObject;
import io.avalanche.rpm.verify.PackageVerifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The publish strategy for a store that streams uploads (S3), for a release whose release.json records every
 * package's SHA-256 (declared with the upload, S3 checks the bytes against it; the verifying pass checks it too) and
 * whose packages each fit one request: the key checks run while the destination is read; each new package is verified
 * while it uploads ({@link VerifyingBody}: one read pass checks digests and signature, makes the SHA-256 and feeds the
 * request, whose last byte waits until every package passed), then the key file, the metadata and the index as usual.
 * A package that fails leaves nothing stored.
 */
final class StreamingPublish {
    private final PublishRun run;
    private final ReleaseScan release;
    private final Map<ReleaseScan.Scanned, VerifyingBody> bodies = new LinkedHashMap<>();
    private final CompletableFuture<Void> allPassed = new CompletableFuture<>();
    private final List<Publisher.Outcome> outcomes = new ArrayList<>();
    private final List<ReleaseScan.Scanned> toStream = new ArrayList<>();
    private RepositoryKey key;
    private PublishRun.Remote remote;
    private FileHashes keyHashes;
    /** The key file replaces the published one as a rotation ({@link PublishRun#rotatesKey}). */
    private boolean keyRotation;

    private StreamingPublish(PublishRun run, ReleaseScan release) {
        this.run = run;
        this.release = release;
    }

    /** Whether this strategy can publish the release into the run's store. */
    static boolean applies(PublishRun run, ReleaseScan release) {
        return run.store.streams() && run.options.checkRelease() && release.declaresEveryPackage()
                && release.files().stream().allMatch(f -> run.store.partSize(f.size()) == 0);
    }

    static Publisher.Result run(PublishRun run, ReleaseScan release) {
        return new StreamingPublish(run, release).publish();
    }

    private Publisher.Result publish() {
        readWhileKeysAreChecked();
        prepareBodies();
        sortExisting();
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
        List<CompletableFuture<Object>> uploads = toStream.stream().map(this::startUpload).toList();
        // the metadata is computed while the packages stream, from the SHA-256s release.json declares: S3 refuses
        // bytes that do not have them and the verifying pass refuses a release.json that is wrong
        Map<YumRepository, YumRepository.Computed> computed;
        // metadata computed while a listing is under way goes up at once when every package passed its checks
        // already (content-addressed and named by no index: kept if the listing agrees, removed later if not)
        Map<YumRepository.Computed, List<Future<?>>> early = new java.util.IdentityHashMap<>();
        try {
            computed = run.computeMetadata(declaredItems(), remote, c -> {
                if (allPassed.isDone() && !allPassed.isCompletedExceptionally()) {
                    early.put(c, c.puts().stream().<Future<?>>map(p -> run.io.submit(p)).toList());
                }
            });
        } catch (RuntimeException e) {
            early.values().forEach(fs -> fs.forEach(StreamingPublish::quietly));
            uploads.forEach(CompletableFuture::join);
            failChecks();   // a package that failed its checks explains more
            throw e;
        }
        // once every package passed its checks (the verifying passes end before their uploads do), the key file and
        // the new metadata files go up while the packages finish streaming; no index names them before the packages
        // are stored, so a failed upload leaves only unreferenced files (removed later), as in PublishRun.prepare
        List<Future<?>> later = new ArrayList<>();
        early.values().forEach(later::addAll);
        if (allPassed.handle((v, e) -> e == null).join()) {
            later.addAll(uploadKeyFile());
            computed.values().stream().filter(c -> !early.containsKey(c))
                    .forEach(c -> c.puts().forEach(p -> later.add(run.io.submit(p))));
        }
        List<Object> results = uploads.stream().map(CompletableFuture::join).toList();
        try {
            failChecks();
            Map<String, PublishRun.Item> items = verifiedItems();
            for (int i = 0; i < toStream.size(); i++) {
                uploaded(items.get(toStream.get(i).key()), results.get(i));
            }
        } finally {
            later.forEach(f -> quietly(f));
        }
        for (Future<?> f : later) {
            if (Parallel.join(f) instanceof Publisher.Outcome o) {
                run.emit(outcomes, o);
            }
        }
        PendingPublish pending = run.pending(outcomes, computed.values().stream()
                .map(YumRepository.Computed::pending).toList());
        return new IndexCompletion(run).signAndComplete(pending, remote.repoFile());
    }

    /** The key file's upload when it is new, forced, or a rotation (empty when the published one stays). */
    private List<Future<Publisher.Outcome>> uploadKeyFile() {
        ReleaseScan.Scanned keyFile = release.keyFile();
        if (keyFile != null && remote.objects().get(keyFile.key()).map(run::shaOf).map(s -> !s.equals(keyHashes.hex()))
                .orElse(true) && (run.options.force() || keyRotation || remote.objects().get(keyFile.key()).isEmpty())) {
            PublishRun.Item k = new PublishRun.Item(keyFile.file(), keyFile.key(), keyHashes, keyFile.size(), null);
            return List.of(run.io.submit(() -> run.upload(k, remote.objects().get(k.key()).orElse(null))));
        }
        return List.of();
    }

    /** Waits for a request whose failure another failure being thrown already explains. */
    private static void quietly(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // rethrown by Parallel.join when nothing else failed
        }
    }

    /** The key checks of {@link PublishGate} run on their own thread while the destination is read. */
    private void readWhileKeysAreChecked() {
        PublishGate gate = run.gate();
        CompletableFuture<RepositoryKey> keys = CompletableFuture.supplyAsync(() -> gate.checkKeys(release.dir(),
                release.dirs(run.layout), run.options.signer(), true, run.options.force(), run.repoFileKey()),
                PublishRun.CHECKS);
        try {
            remote = run.read(release);
        } catch (RuntimeException e) {
            Futures.join(keys);
            throw e;
        }
        key = Futures.join(keys);
        run.log.accept("checking " + release.rpms().size() + " package(s) against " + key.source() + " (key "
                + key.describe() + ") as they upload");
    }

    /** A verifying body per package, judged against release.json; the key file hashed and judged at once. */
    private void prepareBodies() {
        PackageVerifier verifier = new PackageVerifier(key.trusted());
        for (ReleaseScan.Scanned f : release.files()) {
            if (f.rpm() != null) {
                String declared = release.declared(f.file());
                bodies.put(f, new VerifyingBody(f.file(), f.size(), verifier, allPassed,
                        h -> declared != null && !declared.equalsIgnoreCase(h.hex())
                                ? release.mismatch(f.file(), h.hex(), declared) : null));
            }
        }
        ReleaseScan.Scanned keyFile = release.keyFile();
        keyHashes = keyFile == null ? null : FileHashes.of(keyFile.file(), 0);
        String keyDeclared = keyFile == null ? null : release.declared(keyFile.file());
        if (keyDeclared != null && !keyDeclared.equalsIgnoreCase(keyHashes.hex())) {
            throw new PublishCheckException(release.mismatch(keyFile.file(), keyHashes.hex(), keyDeclared));
        }
    }

    /**
     * What exists already is compared first (its verifying pass uploads nothing): unchanged, refused or replaced;
     * what is new goes to {@link #toStream}. Refuses before any upload when an object differs (unless forced).
     */
    private void sortExisting() {
        List<String> refused = new ArrayList<>();
        for (ReleaseScan.Scanned f : release.files()) {
            Optional<String> existing = remote.objects().get(f.key()).map(run::shaOf);
            if (existing.isEmpty()) {
                if (f.rpm() != null) {
                    toStream.add(f);
                }
                continue;
            }
            String sha = f.rpm() == null ? keyHashes.hex() : bodies.get(f).verifyNow().hashes() == null ? null
                    : bodies.get(f).verifyNow().hashes().hex();
            if (existing.get().equals(sha)) {
                run.emit(outcomes, run.unchanged(f.key(), f.size(), sha, "identical bytes already published"));
            } else if (run.options.force()) {
                if (f.rpm() != null) {
                    toStream.add(f);
                }
            } else if (f.rpm() == null && run.gate().rotatesKey(f.file(), f.key())) {
                keyRotation = true;
            } else {
                refused.add(run.store.describe(f.key()));
                run.emit(outcomes, run.refusedOutcome(f.key(), f.size(), sha, existing.get()));
            }
        }
        if (!refused.isEmpty()) {
            bodies.values().forEach(VerifyingBody::verifyNow);
            failChecks();
            throw PublishRun.refusal(refused, "Nothing was uploaded.");
        }
    }

    /** Streams one package on its own thread; the future holds the echoed checksum or the failure. */
    private CompletableFuture<Object> startUpload(ReleaseScan.Scanned f) {
        StoredObject replaced = remote.objects().get(f.key()).orElse(null);
        VerifyingBody body = bodies.get(f);
        String declared = release.declared(f.file());
        CompletableFuture<Object> u = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                if (replaced != null) {
                    Replacements.mark(run.store, f.key(), declared.toLowerCase(java.util.Locale.ROOT));
                }
                u.complete(run.store.putStreaming(f.key(), f.size(), body::newStream, Digests.fromHex(declared),
                        replaced == null ? null : replaced.tag()));
            } catch (RuntimeException e) {
                u.complete(e);
            } finally {
                body.verifyNow();   // a request that never read its body still decides the package
            }
        }, "publish-upload");
        t.setDaemon(true);
        t.start();
        return u;
    }

    /** Every file with the SHA-256 release.json declares (streamed) or its verifying pass made (already there). */
    private List<PublishRun.Item> declaredItems() {
        List<PublishRun.Item> declared = new ArrayList<>();
        for (ReleaseScan.Scanned f : release.files()) {
            FileHashes h = f.rpm() == null ? keyHashes : toStream.contains(f)
                    ? FileHashes.whole(Digests.fromHex(release.declared(f.file())), f.size())
                    : bodies.get(f).verdict.join().hashes();
            if (h != null) {
                declared.add(new PublishRun.Item(f.file(), f.key(), h, f.size(), f.rpm()));
            }
        }
        return declared;
    }

    /** Every file with the hashes its verifying pass made, by key. */
    private Map<String, PublishRun.Item> verifiedItems() {
        Map<String, PublishRun.Item> items = new LinkedHashMap<>();
        for (ReleaseScan.Scanned f : release.files()) {
            FileHashes h = f.rpm() == null ? keyHashes : bodies.get(f).verdict.join().hashes();
            items.put(f.key(), new PublishRun.Item(f.file(), f.key(), h, f.size(), f.rpm()));
        }
        return items;
    }

    /** The outcome of one streamed upload: stored (S3's checksum confirmed or re-read), or its failure thrown. */
    private void uploaded(PublishRun.Item it, Object result) {
        boolean replacing = remote.objects().get(it.key()).isPresent();
        if (result instanceof ConcurrentWriteException) {
            run.emit(outcomes, run.concurrent(it));
            return;
        }
        if (result instanceof RuntimeException e) {
            throw e;
        }
        String echoed = (String) result;
        String how;
        if (echoed == null) {
            how = run.store.verify(it.key(), it.hashes().sha256(), it.size());
        } else if (echoed.equals(Digests.base64(it.hashes().sha256()))) {
            how = S3Store.VERIFIED;
        } else {
            throw new PublishException(run.store.describe(it.key()) + ": checksum mismatch after upload: S3 confirmed "
                    + "SHA-256 " + Digests.hex(Digests.fromBase64(echoed)) + ", the package verified has "
                    + it.sha256() + "; re-run publish with --force to replace it");
        }
        run.emit(outcomes, new Publisher.Outcome(it.key(), run.store.describe(it.key()),
                replacing ? Publisher.Status.REPLACED : Publisher.Status.UPLOADED, it.size(), it.sha256(), how));
    }

    /** The check failure of packages whose verifying pass found a problem; nothing when all passed. */
    private void failChecks() {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<ReleaseScan.Scanned, VerifyingBody> e : bodies.entrySet()) {
            VerifyingBody.Verdict v = e.getValue().verdict.join();
            if (v.problem() == null) {
                continue;
            }
            if (v.report() == null || v.report().ok()) {
                throw new PublishCheckException(v.problem().startsWith(e.getKey().file().toString()) ? v.problem()
                        : e.getKey().file() + " " + v.problem() + ". Nothing was uploaded.");
            }
            bad.add(PublishGate.describeFailures(e.getKey().file(), v.report()));
        }
        if (!bad.isEmpty()) {
            throw PublishGate.packagesFailure(key, bad);
        }
    }
}
