package io.avalanche.rpm.release;

import io.avalanche.rpm.ExitCleanup;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.Profile;
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
import io.avalanche.rpm.sign.KeyChoice;
import io.avalanche.rpm.sign.KeyPurpose;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.sign.PendingKey;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.TrustAnchor;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The whole release: plan (every refusal) → build and package per arch → sign with one key → validate from the
 * release directory → publish (only a release that passed) → validate from the published location.
 */
public final class ReleasePipeline {
    private ReleasePipeline() {
    }

    /**
     * Everything a release run needs; {@code to} is null for no publishing (PR smoke builds); {@code key} is the key
     * options as given (the plan chooses the key: {@link KeyChoice#of}); {@code tag} carries the RPM Release (a
     * respin: {@link ReleaseTag#withRelease}); {@code layout} is where the release goes in {@code to};
     * {@code withService} adds the noarch avalanchego-service package, built once and published in every arch's
     * repository.
     */
    public record Request(ReleaseTag tag, boolean pullRequest, Path source, List<Arch> arches, String buildImage,
                          Path out, String to, KeyRequest key, S3Settings s3, ValidationOptions.Install install,
                          String targetGlibc, Path junit, Compression compression, boolean force,
                          ReleaseBuilder.Checks checks, Layout layout, boolean withService) {
        public Request {
            arches = List.copyOf(new LinkedHashSet<>(arches == null || arches.isEmpty() ? List.of(Arch.host()) : arches));
            checks = checks == null ? ReleaseBuilder.Checks.STRICT : checks;
            key = key == null ? KeyRequest.NONE : key;
            layout = layout == null ? Layout.SEED : layout;
        }

        /** In the seed's layout, without the service package. */
        public Request(ReleaseTag tag, boolean pullRequest, Path source, List<Arch> arches, String buildImage,
                       Path out, String to, KeyRequest key, S3Settings s3, ValidationOptions.Install install,
                       String targetGlibc, Path junit, Compression compression, boolean force,
                       ReleaseBuilder.Checks checks) {
            this(tag, pullRequest, source, arches, buildImage, out, to, key, s3, install, targetGlibc, junit,
                    compression, force, checks, Layout.SEED, false);
        }

        /** This request with or without the avalanchego-service package. */
        public Request withService(boolean service) {
            return new Request(tag, pullRequest, source, arches, buildImage, out, to, key, s3, install, targetGlibc,
                    junit, compression, force, checks, layout, service);
        }

        /** This request in another layout of the destination. */
        public Request withLayout(Layout l) {
            return new Request(tag, pullRequest, source, arches, buildImage, out, to, key, s3, install, targetGlibc,
                    junit, compression, force, checks, l, withService);
        }

        ReleaseBuilder.Request build(Arch arch) {
            return new ReleaseBuilder.Request(source, tag, arch, buildImage, out, compression, null, checks);
        }
    }

    /** One validation run: which arch, from where ("release directory" or the published location), its report. */
    public record Validation(Arch arch, String phase, String from, ValidationReport report) {
    }

    /**
     * What a release produced and where; {@code published} is null when nothing was published. {@code committed}: the
     * release's files were moved into {@code releaseDir}, which happens only when every validation passed (otherwise
     * the release directory holds what it held before the run).
     */
    public record Result(ReleaseManifest manifest, Path releaseDir, Path publicKey, Publisher.Result published,
                         List<Validation> validations, boolean committed) {
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
         * dirty, overrides, releaseDir, releaseDirUpdated (false: a failed run left it as it was), files, publicKey,
         * published (a publish's map, or null), repoFile,
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
            m.put("releaseDirUpdated", committed);
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

    /** Refusals that must happen before any build work (destination, mode and key rules); returns the key. */
    public static KeySource preflight(Request r) {
        Destinations.checkIfGiven(r.to());
        OutputDir.check(r.out());
        ValidationReport.checkJUnitFile(r.junit());
        if (r.withService() && r.install() instanceof ValidationOptions.Local) {
            throw new SpecException("--with-service cannot be validated with --local: the " + AvalanchegoService.NAME
                    + " package runs scriptlets (a system user, systemctl), which are run in a container only, never "
                    + "on this host; validate in a container (--image IMAGE) or drop --with-service");
        }
        if (r.pullRequest() && r.to() != null) {
            throw new SpecException("pull-request builds publish nothing: do not pass --to with --pr");
        }
        KeyPurpose purpose = r.pullRequest() ? KeyPurpose.pullRequest()
                : KeyPurpose.release(r.to(), Destinations.isS3(r.to()));
        return KeyChoice.signingKey(r.key(), purpose);
    }

    /** Every refusal of a real run, in the same order, and the plan; runs nothing (--dry-run). */
    public static PipelinePlan plan(Request r) {
        return plan(r, preflight(r));
    }

    private static PipelinePlan plan(Request r, KeySource key) {
        return new PipelinePlan(r, key, ReleaseBuilder.plan(r.arches().stream().map(r::build).toList()));
    }

    /**
     * --dry-run: {@link #plan} plus unlocking a key file (as the real run does first), so a wrong passphrase is
     * refused here too; builds, signs, publishes and validates nothing.
     */
    public static PipelinePlan dryRun(Request r) {
        PipelinePlan p = plan(r);
        if (p.key() instanceof KeySource.KeyFile) {
            p.key().open().close();
        }
        return p;
    }

    /** Runs every stage; validation failures are in the result (passed() false), other failures throw. */
    public static Result run(Request r, Consumer<String> log) {
        return run(r, log, ProgressReporter.NONE);
    }

    /** As {@link #run(Request, Consumer)}, reporting compression and upload progress. */
    public static Result run(Request r, Consumer<String> log, ProgressReporter progress) {
        return run(r, log, progress, PendingKey::start);
    }

    /** As {@link #run(Request, Consumer, ProgressReporter)}; {@code keys} starts opening an ephemeral key. */
    static Result run(Request r, Consumer<String> log, ProgressReporter progress,
                      java.util.function.Function<KeySource, PendingKey> keys) {
        // an ephemeral key (RSA-4096: 1-3 s of CPU) is generated while the tree is read and the build runs; a key
        // file or a token is opened once the plan holds, so a wrong passphrase or PIN fails before the build
        KeySource signingKey = preflight(r);
        PendingKey early = signingKey.ephemeral() ? keys.apply(signingKey) : null;
        PipelinePlan plan;
        try {
            plan = plan(r, signingKey);
        } catch (RuntimeException e) {
            if (early != null) {
                early.close();
            }
            throw e;
        }
        Profile.mark("release planned");
        List<String> overrides = plan.builds().get(0).overrides();
        overrides.forEach(o -> log.accept("WARNING: " + o));
        try (PendingKey pending = early != null ? early : PendingKey.of(signingKey.open());
             OutputDir out = OutputDir.open(r.out())) {
            Path stage = out.staging();
            ArchBuilds builds = ArchBuilds.run(r, plan.builds(), stage, pending, log, progress);
            if (pending.opening()) {
                ReleaseManifest.prepareJson();   // while the key is still being generated, not after it
            }
            SigningKey key = builds.announce(pending.get(), log);
            TrustAnchor anchor = PipelineStages.anchorOf(key);
            ReleaseManifest combined = ReleaseManifest.combine(builds.built());
            if (r.withService()) {
                List<ReleaseManifest.Artifact> files = new ArrayList<>(combined.files());
                files.add(AvalanchegoService.write(r.tag(), combined.sourceDateEpoch(), r.compression(), stage,
                        RpmWriter.SignatureFiller.signingWith(key.headerSigner()), log));
                combined = combined.withFiles(files);
            }
            combined.write(stage);

            log.accept("== sign");
            ReleaseManifest manifest = PipelineStages.signed(stage, combined, key, builds.unsigned(), log);
            List<String> outputs = new ArrayList<>(manifest.files().stream().map(ReleaseManifest.Artifact::name)
                    .toList());
            outputs.add(ReleaseManifest.FILE_NAME);

            List<Validation> validations = new ArrayList<>(PipelineStages.validateArches(r, manifest,
                    "release directory", "release directory " + r.out(), a -> ReleaseSource.directory(stage), anchor,
                    log));
            ExitCleanup.checkRunning("publishing");
            boolean prePassed = validations.stream().allMatch(v -> v.report().passed());
            Publisher.Result published = null;
            if (r.to() != null && !prePassed) {
                log.accept("== NOT publishing to " + r.to() + ": validation from the release directory failed; "
                        + "nothing was uploaded");
            } else if (r.to() != null) {
                log.accept("== publish to " + r.to());
                ProgressReporter.Task upload = progress.start("publish to " + r.to(), PipelineStages.totalBytes(stage));
                try (Publisher p = Publisher.open(r.to(), r.s3(), o -> {
                    upload.advance(o.size());
                    log.accept("  " + o.status().name().toLowerCase(Locale.ROOT) + " " + o.location());
                }, log)) {
                    published = p.publish(stage, Publisher.Options.defaults(RepoSigner.of(key.headerSigner()))
                            .withForce(r.force()).withTimestamp(manifest.sourceDateEpoch()).withLayout(r.layout()));
                }
                upload.succeeded();
                upload.close();
                validations.addAll(PipelineStages.validateArches(r, manifest, "published", r.to(),
                        a -> ReleaseSource.open(r.to(), r.s3(), r.layout(), log), anchor, log));
                ExitCleanup.checkRunning("moving the release into " + r.out());
            }
            // --out receives the release only when every validation passed, before and after publishing: a run that
            // failed one leaves --out as it was (a published release that failed is where it was published)
            boolean passed = validations.stream().allMatch(v -> v.report().passed());
            if (passed) {
                out.commit(outputs);
            } else {
                log.accept("== " + r.out() + " left as it was: validation failed" + (published == null ? ""
                        : " (the published packages are at " + r.to() + ")"));
            }
            if (r.junit() != null && !validations.isEmpty()) {
                PipelineStages.junitReport(validations).writeJUnit(r.junit());
            }
            return new Result(manifest, r.out(), r.out().resolve(ReleaseManifest.KEY_FILE), published, validations,
                    passed);
        }
    }
}
