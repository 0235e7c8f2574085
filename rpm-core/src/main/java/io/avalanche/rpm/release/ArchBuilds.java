package io.avalanche.rpm.release;

import io.avalanche.rpm.Profile;
import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.sign.PendingKey;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.write.RpmWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A release's builds, one arch after the other, each arch's packages written while the next arch builds (its lines
 * logged after that build). A package is signed as it is written once the key is there; those written while the key
 * was still being generated are listed to sign after the builds.
 */
final class ArchBuilds {
    private final List<ReleaseManifest> built = new ArrayList<>();
    private final List<Path> unsigned = new ArrayList<>();
    private SigningKey announced;

    private ArchBuilds() {
    }

    /** Builds and packages every arch of {@code builds} into {@code stage}; a failure waits for what runs beside. */
    static ArchBuilds run(ReleasePipeline.Request r, List<ReleaseBuilder.Plan> builds, Path stage, PendingKey pending,
                          Consumer<String> log, ProgressReporter progress) {
        ArchBuilds a = new ArchBuilds();
        Beside<ReleaseManifest> packaging = null;   // the previous arch's, beside this arch's build
        boolean packagingSigned = false;
        try {
            for (int i = 0; i < builds.size(); i++) {
                ReleaseBuilder.Plan b = builds.get(i);
                log.accept("== build " + r.tag().tag() + " for " + b.arch().rpm()
                        + (b.arch() == Arch.host() ? "" : " (cross-compiled: " + BuildSteps.crossEnvironment(
                        b.arch(), r.buildImage() != null) + ")"));
                BuildSteps.run(b, r.build(b.arch()), log);
                Profile.mark("built " + b.arch().rpm());
                CapturedBuild outputs = CapturedBuild.of(b, stage);   // before the next build overwrites them
                RpmWriter.SignatureFiller filler = null;
                try {
                    if (packaging != null) {
                        a.add(packaging.join(), packagingSigned, stage);
                        packaging = null;
                    }
                    if (!pending.opening()) {   // the key is there (a token's is opened now): signed as written
                        filler = RpmWriter.SignatureFiller.signingWith(a.announce(pending.get(), log).headerSigner());
                        Profile.mark("signing key ready");
                    }
                } catch (RuntimeException | Error e) {
                    outputs.close();
                    throw e;
                }
                RpmWriter.SignatureFiller signer = filler;
                Beside.Work<ReleaseManifest> work = (l, p) -> {
                    try (outputs) {
                        return outputs.packageInto(r.compression(), stage, l, p, signer);
                    }
                };
                if (i + 1 < builds.size()) {
                    packaging = Beside.start("package-" + b.arch().rpm(), work, log, progress);
                    packagingSigned = signer != null;
                } else {
                    a.add(work.run(log, progress), signer != null, stage);
                }
            }
        } finally {
            if (packaging != null) {
                packaging.stop();
            }
        }
        return a;
    }

    private void add(ReleaseManifest m, boolean signed, Path stage) {
        if (!signed) {
            m.files().stream().filter(f -> f.packageName() != null).forEach(f -> unsigned.add(stage.resolve(f.name())));
        }
        built.add(m);
    }

    /** {@code k}, its ID logged unless it was announced already. */
    SigningKey announce(SigningKey k, Consumer<String> log) {
        if (announced == null) {
            log.accept("signing key " + k.keyId() + (k.ephemeral() ? " (ephemeral, expires in 1 day)" : ""));
        }
        announced = k;
        return k;
    }

    /** Each arch's manifest, in build order. */
    List<ReleaseManifest> built() {
        return built;
    }

    /** The packages written unsigned (the key was still being generated), to sign now. */
    List<Path> unsigned() {
        return unsigned;
    }
}
