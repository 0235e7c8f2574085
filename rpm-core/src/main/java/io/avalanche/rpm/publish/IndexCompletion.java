package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.StoredObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Phase 2 of a publish: each repository's signed index, the removal of metadata no index names, and the .repo file.
 * Checks every signature against the published key first; writes nothing when one is wrong.
 */
final class IndexCompletion {
    private final PublishRun run;

    IndexCompletion(PublishRun run) {
        this.run = run;
    }

    /** Signs each index with the run's signer (none: unsigned) and completes, the .repo object as read before. */
    Publisher.Result signAndComplete(PendingPublish pending, Optional<StoredObject> repoFile) {
        DetachedSigner signer = run.options.signer();
        return complete(pending, signer == null ? Map.of() : pending.sign(signer), run.options.orphanGrace(), repoFile,
                false);
    }

    /**
     * @param repoFile       the .repo object as read before (null: read it now)
     * @param checkUnsigning refuse to unsign a signed repository here; false when this run's checks just did (a signed
     *                       publish in between changes the index, which the conditional index write then refuses)
     */
    Publisher.Result complete(PendingPublish pending, Map<String, byte[]> signatures, Duration orphanGrace,
                              Optional<StoredObject> repoFile, boolean checkUnsigning) {
        Layout layout = pending.layout();
        String destination = run.store.describe(layout.root());
        if (!pending.destination().equals(destination)) {
            throw new PublishException("this publish was prepared for " + pending.destination() + ", not "
                    + destination + ": complete it with the same destination");
        }
        Map<String, byte[]> toSign = pending.toSign();
        checkSignatureSet(toSign, signatures);
        boolean signed = !signatures.isEmpty();
        PublishGate gate = new PublishGate(run.store, layout, run.log);
        RepositoryKey key = signed ? gate.publishedKey(layout.keyFile()) : null;
        if (signed) {
            for (Map.Entry<String, byte[]> e : signatures.entrySet()) {
                String why = key.checkDetached(toSign.get(e.getKey()), e.getValue());
                if (why != null) {
                    throw new PublishCheckException("the signature for " + run.store.describe(Layout.repomd(e.getKey()))
                            + " is " + why + ": dnf would reject the repository. Sign with the key "
                            + run.store.describe(layout.keyFile()) + " publishes. Nothing was written.");
                }
            }
        } else if (!pending.force() && checkUnsigning) {
            gate.refuseUnsigning(toSign.keySet(), layout.repoFile(pending.repoName()));
        }
        List<YumRepository.Result> indexed = new ArrayList<>();
        for (YumRepository.Pending p : pending.repositories()) {
            indexed.add(repository(p.dir(), pending.timestamp()).completeIndex(p, signatures.get(p.dir()), key,
                    !checkUnsigning));
        }
        // every index is written: the .repo file and the removal of unreferenced metadata go at once
        List<Callable<Object>> last = new ArrayList<>();
        last.add(() -> writeRepoFile(layout, pending.repoName(), pending.repoRoot(), signed, repoFile));
        for (int i = 0; i < indexed.size(); i++) {
            YumRepository.Pending p = pending.repositories().get(i);
            List<String> written = indexed.get(i).written();
            YumRepository y = new YumRepository(run.store, p.dir(), null, pending.timestamp(), run.log, null);
            last.add(() -> y.removeOrphans(p, written, orphanGrace));
        }
        List<Object> done = run.all(last);
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
        return new Publisher.Result(run.store.url(), List.copyOf(pending.objects()), List.copyOf(repos),
                (String) done.get(0), signed);
    }

    /** Signatures for every repository of the publish or none, each an armored OpenPGP signature. */
    private void checkSignatureSet(Map<String, byte[]> toSign, Map<String, byte[]> signatures) {
        for (String dir : signatures.keySet()) {
            if (!toSign.containsKey(dir)) {
                throw new PublishException("a signature was given for " + run.store.describe(dir)
                        + ", which this publish has no repository metadata for; sign exactly " + toSign.keySet());
            }
        }
        if (!signatures.isEmpty() && !signatures.keySet().containsAll(toSign.keySet())) {
            List<String> missing = new ArrayList<>(toSign.keySet());
            missing.removeAll(signatures.keySet());
            throw new PublishException("no repomd.xml signature for " + missing.stream().map(run.store::describe)
                    .toList() + ": sign every repository of the publish or none. Nothing was written.");
        }
        for (Map.Entry<String, byte[]> e : signatures.entrySet()) {
            if (e.getValue() == null || !new String(e.getValue(), StandardCharsets.US_ASCII)
                    .contains("-----BEGIN PGP SIGNATURE-----")) {
                throw new PublishException("the signature for " + run.store.describe(Layout.repomd(e.getKey()))
                        + " is not an ASCII-armored OpenPGP signature. Nothing was written.");
            }
        }
    }

    private YumRepository repository(String dir, long timestamp) {
        return new YumRepository(run.store, dir, null, timestamp, run.log, run.io);
    }

    /** The .repo file customers drop into /etc/yum.repos.d; rewritten only when its text changes. */
    private String writeRepoFile(Layout layout, String repoName, String root, boolean signed,
                                 Optional<StoredObject> known) {
        String key = layout.repoFile(repoName);
        String text = "[" + repoName + "]\n"
                + "name=AvalancheGo $basearch\n"
                + "baseurl=" + root + "$basearch/\n"
                + "enabled=1\n"
                + "gpgcheck=1\n"
                + "repo_gpgcheck=" + (signed ? 1 : 0) + "\n"
                + "gpgkey=" + root + layout.keyFileName() + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String sha = Digests.sha256Hex(bytes);
        Optional<String> now = known == null ? run.existingSha(key) : known.map(run::shaOf);
        if (!now.map(sha::equals).orElse(false)) {
            run.store.put(key, bytes, "text/plain");
        }
        return run.store.publicUrl(key);
    }
}
