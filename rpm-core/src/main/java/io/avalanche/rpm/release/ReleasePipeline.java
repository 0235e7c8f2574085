package io.avalanche.rpm.release;

import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.build.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.publish.Destinations;
import io.avalanche.rpm.publish.ObjectStore;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.publish.S3Settings;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.validate.LocalSources;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The whole release: build → sign → publish → validate, with the refusals of release and PR modes. */
public final class ReleasePipeline {
    private ReleasePipeline() {
    }

    /** Everything a release run needs; {@code to} is null for no publishing (PR smoke builds). */
    public record Request(ReleaseTag tag, boolean pullRequest, Path source, Arch arch, String buildImage, Path out,
                          String to, KeySource key, S3Settings s3, ValidationOptions.Install install,
                          String targetGlibc, Path junit, Compression compression, boolean force) {
    }

    /** What a release produced and where. */
    public record Result(ReleaseManifest manifest, Path releaseDir, Path publicKey, Publisher.Result published,
                         String validatedFrom, ValidationReport validation) {
        public boolean passed() {
            return validation.passed();
        }
    }

    /** Refusals that must happen before any build work. */
    public static void preflight(Request r) {
        Destinations.checkIfGiven(r.to());
        if (r.pullRequest()) {
            if (!r.key().ephemeral()) {
                throw new SpecException("pull-request builds sign with an ephemeral key: do not pass --key with --pr");
            }
            if (r.to() != null) {
                throw new SpecException("pull-request builds publish nothing: do not pass --to with --pr");
            }
        } else {
            if (r.key() == null) {
                throw new SpecException("a release needs a signing key: pass --key FILE, or --ephemeral explicitly "
                        + "for a local trial release (never published to S3)");
            }
            if (r.key().ephemeral() && Destinations.isS3(r.to())) {
                throw new SpecException("refusing to publish an ephemeral-signed release to " + r.to()
                        + ": customers could never verify it; sign with --key FILE");
            }
        }
        ReleaseBuilder.checkSource(r.source());
    }

    /** Runs every stage; validation failures are in the result (passed() false), other failures throw. */
    public static Result run(Request r, Consumer<String> log) {
        return run(r, log, ProgressReporter.NONE);
    }

    /** As {@link #run(Request, Consumer)}, reporting compression and upload progress. */
    public static Result run(Request r, Consumer<String> log, ProgressReporter progress) {
        preflight(r);
        SigningKey key = r.key().open();
        log.accept("signing key " + key.keyId() + (key.ephemeral() ? " (ephemeral, expires in 1 day)" : ""));
        prepareOut(r.out());

        log.accept("== build " + r.tag().tag() + " for " + r.arch().rpm());
        ReleaseManifest built = ReleaseBuilder.build(new ReleaseBuilder.Request(r.source(), r.tag(), r.arch(),
                r.buildImage(), r.out(), r.compression()), log, progress);

        log.accept("== sign");
        ReleaseManifest manifest = sign(r.out(), built, key, log);
        Path publicKey = r.out().resolve(ReleaseRef.KEY_FILE);

        Publisher.Result published = null;
        String from = r.to() != null ? r.to() : r.out().toString();
        ValidationReport report;
        try (ObjectStore store = r.to() != null ? Destinations.open(r.to(), r.s3()) : null) {
            ReleaseSource source = LocalSources.releaseDirectory(r.out());
            if (store != null) {
                log.accept("== publish to " + r.to());
                ProgressReporter.Task upload = progress.start("publish to " + r.to(), totalBytes(r.out()));
                Publisher p = new Publisher(store, o -> {
                    upload.advance(o.size());
                    log.accept("  " + o.status().name().toLowerCase(Locale.ROOT) + " " + o.location());
                }, log);
                published = p.publish(r.out(), Publisher.Options.defaults(RepoSigner.of(key.headerSigner()))
                        .withForce(r.force()).withTimestamp(manifest.sourceDateEpoch()));
                upload.close();
                source = new StoreReleaseSource(store, r.to());
            }
            log.accept("== validate from " + from);
            ValidationOptions vo = ValidationOptions.of(new ReleaseRef(r.tag().tag(), r.arch().rpm()),
                    manifest.commit()).withInstall(r.install()).withTargetGlibc(r.targetGlibc());
            report = validate(vo, source);
        }
        report.summaryLines().forEach(log);
        if (r.junit() != null) {
            report.writeJUnit(r.junit());
        }
        return new Result(manifest, r.out(), publicKey, published, from, report);
    }

    private static ValidationReport validate(ValidationOptions vo, ReleaseSource source) {
        Path work = null;
        try {
            work = Files.createTempDirectory("rpm-release-validate-");
            return new Validator(vo).validate(source, work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a validation directory: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** Signs every RPM of a release directory in place, exports the public key, refreshes release.json. */
    public static ReleaseManifest sign(Path dir, ReleaseManifest m, SigningKey key, Consumer<String> log) {
        RpmSigner signer = new RpmSigner(key.headerSigner());
        for (ReleaseManifest.Artifact a : m.files()) {
            if (a.packageName() != null) {
                signer.sign(dir.resolve(a.name()));
                log.accept("  signed " + a.name() + " with key " + key.keyId());
            }
        }
        key.exportPublicKey(dir.resolve(ReleaseRef.KEY_FILE));
        return m.refresh(dir, ReleaseRef.KEY_FILE);
    }

    private static long totalBytes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void prepareOut(Path out) {
        try {
            Files.createDirectories(out);
            try (Stream<Path> s = Files.list(out)) {
                List<Path> old = s.filter(p -> p.getFileName().toString().endsWith(".rpm")).toList();
                for (Path p : old) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot prepare the release directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
