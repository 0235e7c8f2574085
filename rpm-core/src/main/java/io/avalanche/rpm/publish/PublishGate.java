package io.avalanche.rpm.publish;

import io.avalanche.rpm.Futures;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.sign.EphemeralKeys;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.FileHashes;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.verify.VerifyReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The checks a publish passes before it uploads anything: the key that will be published agrees with the one
 * already at the destination, every package verifies (digests and signature) against it, the repomd.xml signer is
 * one of its keys, and a signed repository is not silently made unsigned.
 */
final class PublishGate {
    private static final byte[] PROBE = "rpm-release: which key signs repomd.xml?\n".getBytes(StandardCharsets.UTF_8);
    private final ObjectStore store;
    private final Layout layout;
    private final Consumer<String> log;

    PublishGate(ObjectStore store, Layout layout, Consumer<String> log) {
        this.store = store;
        this.layout = layout;
        this.log = log;
    }

    /**
     * Runs every check; throws {@link PublishCheckException} (exit 3) naming what disagrees, or
     * {@link PublishException} when an unsigned publish would downgrade a signed repository.
     *
     * @param signedHere the caller signs with {@code signer} (null: unsigned); false when signatures come later
     * @param tees per package, what receives its bytes from the read pass that verifies it (e.g. its hashes)
     */
    RepositoryKey check(Path releaseDir, List<Path> rpms, Collection<String> repoDirs, DetachedSigner signer,
                        boolean signedHere, boolean force, String repoFile,
                        java.util.Map<Path, FileHashes.Hasher> tees) {
        RepositoryKey key = keyToPublish(releaseDir, force);
        checkPackages(key, rpms, tees);
        checkSigner(key, repoDirs, signer, signedHere, force, repoFile);
        return key;
    }

    /** The checks of {@link #check} but the packages' (verified as they upload: {@link #packagesFailure}). */
    RepositoryKey checkKeys(Path releaseDir, Collection<String> repoDirs, DetachedSigner signer, boolean signedHere,
                            boolean force, String repoFile) {
        RepositoryKey key = keyToPublish(releaseDir, force);
        checkSigner(key, repoDirs, signer, signedHere, force, repoFile);
        return key;
    }

    private void checkPackages(RepositoryKey key, List<Path> rpms,
                               java.util.Map<Path, FileHashes.Hasher> tees) {
        log.accept("checking " + rpms.size() + " package(s) against " + key.source() + " (key " + key.describe() + ")");
        PackageVerifier verifier = new PackageVerifier(key.trusted());
        List<String> bad = new ArrayList<>();
        for (Path rpm : rpms) {
            FileHashes.Hasher tee = tees.get(rpm);
            VerifyReport r = verifier.verify(rpm, tee == null ? null : tee::update);
            if (!r.ok()) {
                bad.add(describeFailures(rpm, r));
            }
        }
        if (!bad.isEmpty()) {
            throw packagesFailure(key, bad);
        }
    }

    /** "file: the failed checks" of a report. */
    static String describeFailures(Path rpm, VerifyReport r) {
        List<String> why = new ArrayList<>();
        for (CheckResult c : r.failures()) {
            why.add(c.describe());
        }
        return rpm.getFileName() + ": " + String.join(", ", why);
    }

    /** The refusal of packages that do not verify ({@code bad}: as {@link #describeFailures} says them). */
    static PublishCheckException packagesFailure(RepositoryKey key, List<String> bad) {
        return new PublishCheckException("refusing to publish packages that do not verify against "
                + key.source() + " (key " + key.describe() + "): " + String.join("; ", bad)
                + ". dnf with gpgcheck=1 would reject them: sign them with that key (rpm-release sign) or "
                + "rebuild them. Nothing was uploaded.");
    }

    private void checkSigner(RepositoryKey key, Collection<String> repoDirs, DetachedSigner signer,
                             boolean signedHere, boolean force, String repoFile) {
        if (signer != null) {
            String why = key.checkDetached(PROBE, signer.signDetached(PROBE));
            if (why != null) {
                throw new PublishCheckException("the key given to sign repodata/repomd.xml disagrees with "
                        + key.source() + ": its signature is " + why + ". Every dnf client would fail with "
                        + "\"Bad GPG signature\": pass the --key whose public key is published. Nothing was uploaded.");
            }
        } else if (signedHere && !force) {
            refuseUnsigning(repoDirs, repoFile);
        }
    }

    /**
     * The key file the repository will publish: the release directory's, which must keep every key the destination
     * already publishes (packages there are signed by them); else the destination's.
     */
    private RepositoryKey keyToPublish(Path releaseDir, boolean force) {
        Path local = releaseDir.resolve(ReleaseManifest.KEY_FILE);
        Optional<byte[]> remote = store.get(layout.keyFile());
        String remoteName = store.describe(layout.keyFile());
        if (!Files.isRegularFile(local)) {
            if (remote.isEmpty()) {
                throw new PublishCheckException(local + " is missing and " + remoteName + " does not exist: dnf "
                        + "(gpgcheck=1) could never verify the packages. Export the release's public key there "
                        + "(rpm-release sign --export-key). Nothing was uploaded.");
            }
            log.accept("warning: " + local + " is missing; checking against the published " + remoteName);
            return RepositoryKey.parse(remote.get(), remoteName);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(local);
        } catch (IOException e) {
            throw new UncheckedIOException(local + ": cannot read: " + IoErrors.why(e), e);
        }
        RepositoryKey mine = RepositoryKey.parse(bytes, local.toString());
        if (Destinations.isS3(store.url())) {   // where customers verify: never an ephemeral key (exit 2, as release)
            EphemeralKeys.refuseInRelease(mine.trusted(), local.toString(), store.url());
        }
        if (remote.isPresent() && !mine.sameBytes(remote.get())) {
            RepositoryKey theirs;
            try {
                theirs = RepositoryKey.parse(remote.get(), remoteName);
            } catch (PublishCheckException e) {
                log.accept("warning: " + e.getMessage().substring(0, e.getMessage().indexOf(';'))
                        + "; it will be refused as different bytes unless --force");
                return mine;
            }
            Set<String> lost = new TreeSet<>(theirs.fingerprints());
            lost.removeAll(mine.fingerprints());
            if (!lost.isEmpty()) {
                throw new PublishCheckException(local + " (key " + mine.describe() + ") is not the key " + remoteName
                        + " publishes (key " + theirs.describe() + "): packages already published there would no "
                        + "longer verify" + (force ? " even with --force" : "") + ". Sign with the published key, "
                        + "or rotate by publishing a key file that holds both keys. Nothing was uploaded.");
            }
        }
        return mine;
    }

    /** The key file published at {@code key}; a check failure when absent or unreadable. */
    RepositoryKey publishedKey(String key) {
        byte[] b = store.get(key).orElseThrow(() -> new PublishCheckException(store.describe(key)
                + " does not exist: the repository signatures cannot be checked. Nothing was written."));
        return RepositoryKey.parse(b, store.describe(key));
    }

    /**
     * Refuses to publish without a repository signature into directories whose index is signed, or under a .repo
     * file that demands signed metadata: that would delete repomd.xml.asc and every client with repo_gpgcheck=1
     * would fail.
     */
    void refuseUnsigning(Collection<String> repoDirs, String repoFile) {
        // the .repo file is read while the signatures are looked for
        java.util.concurrent.CompletableFuture<Boolean> demandedBy = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> store.get(repoFile).map(b -> new String(b, StandardCharsets.UTF_8).contains("repo_gpgcheck=1"))
                        .orElse(false), PublishRun.CHECKS);
        List<String> signed = new ArrayList<>();
        for (String dir : repoDirs) {
            String asc = Layout.repomdSignature(dir);
            if (store.head(asc).isPresent()) {
                signed.add(store.describe(asc));
            }
        }
        boolean demanded = Futures.join(demandedBy);
        if (demanded) {
            signed.add(store.describe(repoFile) + " (repo_gpgcheck=1)");
        }
        if (!signed.isEmpty()) {
            throw new PublishException("the repository is signed (" + String.join(", ", signed) + "): publishing "
                    + "without --key would delete repomd.xml.asc and set repo_gpgcheck=0, and existing clients would "
                    + "fail. Pass --key with the release key, or --force to make the repository unsigned. "
                    + "Nothing was uploaded.");
        }
    }

    /**
     * A key rotation: the release's key file replaces the published one when it holds every key that one holds and
     * more (packages already published still verify); no --force needed. Any other change of the key file is refused.
     */
    boolean rotatesKey(Path local, String key) {
        if (local == null || !key.equals(layout.keyFile())) {
            return false;
        }
        Optional<byte[]> remote = store.get(key);
        if (remote.isEmpty()) {
            return false;
        }
        try {
            RepositoryKey theirs = RepositoryKey.parse(remote.get(), store.describe(key));
            RepositoryKey mine = RepositoryKey.parse(Files.readAllBytes(local), local.toString());
            boolean more = mine.fingerprints().containsAll(theirs.fingerprints())
                    && !mine.fingerprints().equals(theirs.fingerprints());
            if (more) {
                log.accept("key rotation: " + local + " (key " + mine.describe() + ") holds every key of "
                        + store.describe(key) + " (key " + theirs.describe() + ") and more: replacing it");
            }
            return more;
        } catch (PublishCheckException | IOException e) {
            return false;
        }
    }
}
