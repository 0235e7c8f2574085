package io.avalanche.rpm.release;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole release: plan (every refusal) → build and package per arch → sign with one key → validate from the
 * release directory → publish (only a release that passed) → validate from the published location.
 */
public final class ReleasePipeline {
    private ReleasePipeline() {
    }

    /** Everything a release run needs; {@code to} is null for no publishing (PR smoke builds). */
    public record Request(ReleaseTag tag, boolean pullRequest, Path source, List<Arch> arches, String buildImage,
                          Path out, String to, KeySource key, S3Settings s3, ValidationOptions.Install install,
                          String targetGlibc, Path junit, Compression compression, boolean force,
                          ReleaseBuilder.Checks checks) {
        public Request {
            arches = List.copyOf(new LinkedHashSet<>(arches == null || arches.isEmpty() ? List.of(Arch.host()) : arches));
            checks = checks == null ? ReleaseBuilder.Checks.STRICT : checks;
        }

        ReleaseBuilder.Request build(Arch arch) {
            return new ReleaseBuilder.Request(source, tag, arch, buildImage, out, compression, null, checks);
        }
    }

    /** One validation run: which arch, from where ("release directory" or the published location), its report. */
    public record Validation(Arch arch, String phase, String from, ValidationReport report) {
    }

    /** What a release produced and where; {@code published} is null when nothing was published. */
    public record Result(ReleaseManifest manifest, Path releaseDir, Path publicKey, Publisher.Result published,
                         List<Validation> validations) {
        public Result {
            validations = List.copyOf(validations);
        }

        public boolean passed() {
            return validations.stream().allMatch(v -> v.report().passed());
        }

        /** Where the last validation of each arch ran from. */
        public String validatedFrom() {
            return validations.isEmpty() ? "nowhere" : validations.get(validations.size() - 1).from();
        }

        /**
         * The result in the vocabulary the CLI's --json and the Jenkins steps share: tag, commit, arch(es), vmId,
         * dirty, overrides, releaseDir, files, publicKey, published (a publish's map, or null), repoFile,
         * validatedFrom, validations [{arch, phase, from, passed}], passed.
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tag", manifest.tag());
            m.put("commit", manifest.commit());
            m.put("arch", manifest.arch());
            m.put("arches", manifest.arches() != null ? manifest.arches() : List.of(manifest.arch()));
            m.put("vmId", manifest.vmId());
            m.put("dirty", manifest.dirty());
            m.put("overrides", manifest.overrides());
            m.put("releaseDir", releaseDir.toString());
            m.put("files", manifest.files());
            m.put("publicKey", publicKey.toString());
            m.put("published", published == null ? null : published.toMap());
            if (published != null) {
                m.put("repoFile", published.repoFileUrl());
            }
            m.put("validatedFrom", validatedFrom());
            m.put("validations", validations.stream().map(v -> Map.of("arch", v.arch().rpm(), "phase", v.phase(),
                    "from", v.from(), "passed", v.report().passed())).toList());
            m.put("passed", passed());
            return m;
        }
    }

    /** What a release would do: the per-arch build plans and where the release goes. */
    public record Plan(Request request, List<ReleaseBuilder.Plan> builds) {
        /** The plan as --dry-run prints it. */
        public List<String> lines() {
            Request r = request;
            List<String> l = new ArrayList<>();
            l.add("DRY RUN: nothing is built, signed, published or validated");
            for (ReleaseBuilder.Plan b : builds) {
                l.add("== " + b.arch().rpm());
                b.lines().forEach(x -> l.add("  " + x));
            }
            l.add("compression: " + r.compression() + (r.compression().workers() > 1 ? ", " + r.compression().workers()
                    + " workers" : ""));
            l.add("signing:  " + (r.key() instanceof KeySource.KeyFile k ? "key " + k.file()
                    : "ephemeral RSA-4096 key, valid one day") + "; public key exported as " + ReleaseManifest.KEY_FILE);
            l.add("release directory: " + r.out() + " (this run's files only: "
                    + builds.stream().flatMap(b -> b.packages().stream()).map(ReleaseBuilder.PackagePlan::fileName)
                    .toList() + ", " + ReleaseManifest.KEY_FILE + ", " + ReleaseManifest.FILE_NAME + ")");
            l.add("validate: from the release directory before publishing" + (r.to() == null ? ""
                    : ", then from " + r.to()) + " (" + describe(r.install()) + ")");
            if (r.to() == null) {
                l.add("publish:  nothing" + (r.pullRequest() ? " (pull-request build)" : " (no --to)"));
            } else {
                l.add("publish:  " + r.to() + " (only if validation passes)");
                Layout layout = Layout.SEED;
                for (ReleaseBuilder.Plan b : builds) {
                    for (ReleaseBuilder.PackagePlan p : b.packages()) {
                        l.add("  " + layout.packageKey(b.arch().rpm(), p.fileName()));
                    }
                    l.add("  " + Layout.repomd(layout.archDir(b.arch().rpm())) + " (+ repomd.xml.asc)");
                }
                l.add("  " + layout.keyFile());
                l.add("  " + layout.repoFile());
            }
            return l;
        }
    }

    /** Refusals that must happen before any build work (key and mode rules). */
    public static void preflight(Request r) {
        Destinations.checkIfGiven(r.to());
        if (r.pullRequest()) {
            if (r.key() == null || !r.key().ephemeral()) {
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
        if (r.key() instanceof KeySource.KeyFile k && !Files.isReadable(k.file())) {
            throw new SpecException("--key " + k.file() + ": no such readable file");
        }
    }

    /** Every refusal of a real run, in the same order, and the plan; runs nothing (--dry-run). */
    public static Plan plan(Request r) {
        preflight(r);
        List<ReleaseBuilder.Plan> builds = new ArrayList<>();
        for (Arch a : r.arches()) {
            builds.add(ReleaseBuilder.plan(r.build(a)));
        }
        return new Plan(r, builds);
    }

    /**
     * --dry-run: {@link #plan} plus unlocking a key file (as the real run does first), so a wrong passphrase is
     * refused here too; builds, signs, publishes and validates nothing.
     */
    public static Plan dryRun(Request r) {
        Plan p = plan(r);
        if (r.key() instanceof KeySource.KeyFile) {
            r.key().open().close();
        }
        return p;
    }

    /** Runs every stage; validation failures are in the result (passed() false), other failures throw. */
    public static Result run(Request r, Consumer<String> log) {
        return run(r, log, ProgressReporter.NONE);
    }

    /** As {@link #run(Request, Consumer)}, reporting compression and upload progress. */
    public static Result run(Request r, Consumer<String> log, ProgressReporter progress) {
        Plan plan = plan(r);
        List<String> overrides = plan.builds().get(0).overrides();
        overrides.forEach(o -> log.accept("WARNING: " + o));
        try (SigningKey key = r.key().open(); OutputDir out = OutputDir.open(r.out())) {
            log.accept("signing key " + key.keyId() + (key.ephemeral() ? " (ephemeral, expires in 1 day)" : ""));
            Path stage = out.staging();
            List<ReleaseManifest> built = new ArrayList<>();
            for (ReleaseBuilder.Plan b : plan.builds()) {
                log.accept("== build " + r.tag().tag() + " for " + b.arch().rpm()
                        + (b.arch() == Arch.host() ? "" : " (cross-compiled: " + ReleaseBuilder.crossEnvironment(
                        b.arch(), r.buildImage() != null) + ")"));
                ReleaseBuilder.runSteps(b, r.build(b.arch()), log);
                built.add(ReleaseBuilder.packageInto(b, r.compression(), stage, log, progress,
                        RpmWriter.SignatureFiller.signingWith(key.headerSigner())));
            }
            ReleaseManifest combined = ReleaseManifest.combine(built);
            combined.write(stage);

            log.accept("== sign");
            ReleaseManifest manifest = signed(stage, combined, key, log);
            List<String> outputs = new ArrayList<>(manifest.files().stream().map(ReleaseManifest.Artifact::name)
                    .toList());
            outputs.add(ReleaseManifest.FILE_NAME);

            List<Validation> validations = new ArrayList<>();
            String releaseDir = "release directory " + r.out();
            for (Arch a : r.arches()) {
                validations.add(validate(r, a, manifest, "release directory", releaseDir,
                        ReleaseSource.directory(stage), log));
            }
            boolean prePassed = validations.stream().allMatch(v -> v.report().passed());
            Publisher.Result published = null;
            if (r.to() != null && !prePassed) {
                log.accept("== NOT publishing to " + r.to() + ": validation from the release directory failed; "
                        + "nothing was uploaded");
            } else if (r.to() != null) {
                log.accept("== publish to " + r.to());
                ProgressReporter.Task upload = progress.start("publish to " + r.to(), totalBytes(stage));
                try (Publisher p = Publisher.open(r.to(), r.s3(), o -> {
                    upload.advance(o.size());
                    log.accept("  " + o.status().name().toLowerCase(Locale.ROOT) + " " + o.location());
                }, log)) {
                    published = p.publish(stage, Publisher.Options.defaults(RepoSigner.of(key.headerSigner()))
                            .withForce(r.force()).withTimestamp(manifest.sourceDateEpoch()));
                }
                upload.close();
                for (Arch a : r.arches()) {
                    try (ReleaseSource source = ReleaseSource.open(r.to(), r.s3())) {
                        validations.add(validate(r, a, manifest, "published", r.to(), source, log));
                    }
                }
            }
            out.commit(outputs);
            if (r.junit() != null && !validations.isEmpty()) {
                junitReport(validations).writeJUnit(r.junit());
            }
            return new Result(manifest, r.out(), r.out().resolve(ReleaseManifest.KEY_FILE), published, validations);
        }
    }

    private static Validation validate(Request r, Arch a, ReleaseManifest m, String phase, String from,
                                       ReleaseSource source, Consumer<String> log) {
        log.accept("== validate from " + from + " (" + a.rpm() + ", " + phase + ")");
        ValidationOptions vo = ValidationOptions.of(new ReleaseRef(r.tag().tag(), a.rpm()), m.commit())
                .withInstall(r.install()).withTargetGlibc(r.targetGlibc())
                .withVmId(m.vmId(), "release.json (read from " + m.vmIdSource() + " at build time)");
        ValidationReport report = validate(vo, source);
        report.summaryLines().forEach(log);
        return new Validation(a, phase, from, report);
    }

    private static ValidationReport validate(ValidationOptions vo, ReleaseSource source) {
        Path work = null;
        try {
            work = Files.createTempDirectory("rpm-release-validate-");
            return new Validator(vo).validate(source, work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a validation directory: " + e.getMessage(), e);
        } finally {
            OutputDir.deleteTree(work);
        }
    }

    /** One JUnit report: a single validation as it is, several with "arch phase package" class names. */
    static ValidationReport junitReport(List<Validation> vs) {
        if (vs.size() == 1) {
            return vs.get(0).report();
        }
        List<CheckOutcome> all = new ArrayList<>();
        for (Validation v : vs) {
            for (CheckOutcome c : v.report().results()) {
                all.add(new CheckOutcome(v.arch().rpm() + " " + v.phase() + " " + c.packageName(), c.check(),
                        c.status(), c.message(), c.output(), c.time()));
            }
        }
        return new ValidationReport(vs.get(0).report().release(), vs.get(0).report().target(), all);
    }

    private static String describe(ValidationOptions.Install i) {
        return i instanceof ValidationOptions.Container c ? "in a container of " + c.image() : "in a scratch rpm root";
    }

    /** For packages signed as they were written: exports the public key and refreshes release.json. */
    private static ReleaseManifest signed(Path dir, ReleaseManifest m, SigningKey key, Consumer<String> log) {
        for (ReleaseManifest.Artifact a : m.files()) {
            if (a.packageName() != null) {
                log.accept("  signed " + a.name() + " with key " + key.keyId() + " (as it was written)");
            }
        }
        key.exportPublicKey(dir.resolve(ReleaseManifest.KEY_FILE));
        return m.withFile(dir, ReleaseManifest.KEY_FILE);   // the packages' digests were taken after signing
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
        key.exportPublicKey(dir.resolve(ReleaseManifest.KEY_FILE));
        return m.refresh(dir, ReleaseManifest.KEY_FILE);
    }

    private static long totalBytes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
