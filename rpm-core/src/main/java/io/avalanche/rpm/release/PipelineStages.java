package io.avalanche.rpm.release;

import io.avalanche.rpm.ExitCleanup;
import io.avalanche.rpm.Futures;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.sign.KeyExport;
import io.avalanche.rpm.sign.PackageSigning;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.TrustAnchor;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The release pipeline's stage helpers: the signing key as trust anchor, one validation, the JUnit report. */
final class PipelineStages {
    private PipelineStages() {
    }

    /** The key this release signs with, as validation's trust anchor: never the key file found where it validates. */
    static TrustAnchor anchorOf(SigningKey key) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            key.exportPublicKey(b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the signing key's public key: " + e.getMessage(), e);
        }
        return TrustAnchor.pinned(b.toByteArray(), "the key this release signs with, " + key.keyId());
    }

    /**
     * Validates every arch of the release from {@code from} at the same time (each in its own container: the
     * emulated arch is CPU-bound while the native one mostly waits), then logs each arch's result in arch order. A
     * failing arch does not stop the others; the first exception is rethrown once all have ended.
     */
    static List<ReleasePipeline.Validation> validateArches(ReleasePipeline.Request r, ReleaseManifest m, String phase,
                                                            String from, Function<Arch, ReleaseSource> open,
                                                            TrustAnchor anchor, Consumer<String> log) {
        List<Arch> arches = r.arches();
        List<CompletableFuture<ValidationReport>> running = new ArrayList<>();
        for (Arch a : arches) {
            ValidationOptions vo = ValidationOptions.of(new ReleaseRef(r.tag().tag(), a.rpm())
                            .withRelease(r.tag().release()).withService(r.withService()), m.commit())
                    .withInstall(r.install()).withTargetGlibc(r.targetGlibc()).withAnchor(anchor)
                    .withVmId(m.vmId(), "release.json (read from " + m.vmIdSource() + " at build time)");
            log.accept("== validate from " + from + " (" + a.rpm() + ", " + phase + ")");
            Supplier<ValidationReport> task = () -> {
                try (ReleaseSource source = open.apply(a)) {
                    return validate(vo, source);
                }
            };
            running.add(arches.size() == 1 ? CompletableFuture.completedFuture(task.get())
                    : CompletableFuture.supplyAsync(task, VALIDATORS));
        }
        List<ReleasePipeline.Validation> out = new ArrayList<>();
        RuntimeException failed = null;
        for (int i = 0; i < arches.size(); i++) {
            Arch a = arches.get(i);
            try {
                ValidationReport report = Futures.join(running.get(i));
                report.summaryLines().forEach(log);
                out.add(new ReleasePipeline.Validation(a, phase, from, report));
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return out;
    }

    private static final Executor VALIDATORS = Futures.daemons("validate-arch");

    static ValidationReport validate(ValidationOptions vo, ReleaseSource source) {
        Path work;
        try {
            work = Files.createTempDirectory("rpm-release-validate-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a validation directory: " + IoErrors.why(e), e);
        }
        ExitCleanup.Registration scratch = ExitCleanup.directory(work);
        try {
            return new Validator(vo).validate(source, work);
        } finally {
            OutputDir.deleteTree(work);
            scratch.close();   // after the deletion: a stopping JVM waits for it
        }
    }

    /** One JUnit report: a single validation as it is, several with "arch phase package" class names. */
    static ValidationReport junitReport(List<ReleasePipeline.Validation> vs) {
        if (vs.size() == 1) {
            return vs.get(0).report();
        }
        List<CheckOutcome> all = new ArrayList<>();
        for (ReleasePipeline.Validation v : vs) {
            for (CheckOutcome c : v.report().results()) {
                all.add(new CheckOutcome(v.arch().rpm() + " " + v.phase() + " " + c.packageName(), c.check(),
                        c.status(), c.message(), c.output(), c.time()));
            }
        }
        List<String> warnings = vs.stream().flatMap(v -> v.report().warnings().stream()).distinct().toList();
        List<String> confinement = vs.stream().map(v -> v.report().confinement()).filter(java.util.Objects::nonNull)
                .distinct().toList();
        return new ValidationReport(vs.get(0).report().release(), vs.get(0).report().target(), all, null, warnings,
                confinement.isEmpty() ? null : String.join("; ", confinement));
    }


    /**
     * Half two of signing ({@link PackageSigning#apply}) for packages signed as they were written (their signature
     * headers were filled by the writer, the first half), after signing the {@code unsigned} ones (written while the
     * key was still being generated) by both halves: exports the public key and records the new digests and the key
     * in release.json.
     */
    static ReleaseManifest signed(Path dir, ReleaseManifest m, SigningKey key, List<Path> unsigned,
                                  Consumer<String> log) {
        List<PackageSigning.Signature> signatures = PackageSigning.sign(PackageSigning.headersToSign(unsigned),
                key.headerSigner());
        for (ReleaseManifest.Artifact a : m.files()) {
            if (a.packageName() != null) {
                log.accept("  signed " + a.name() + " with key " + key.keyId() + (unsigned.contains(dir.resolve(
                        a.name())) ? " (after it was written: the key was still being generated)"
                        : " (as it was written)"));
            }
        }
        return PackageSigning.apply(signatures, KeyExport.of(key, dir.resolve(ReleaseManifest.KEY_FILE)))
                .manifests().get(dir);
    }

    static long totalBytes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
