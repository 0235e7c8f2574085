package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ImageReference;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.TrustAnchor;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The plugin's door into rpm-core's validation: one release source (ReleaseSource.open: a directory, file:DIR or
 * s3://), the trust anchor the step names (rpm-core's TrustAnchor decides what a published location needs), a
 * container of the target image, and the report in the vocabulary of {@code validate --json}.
 */
final class RpmCoreValidate {
    private RpmCoreValidate() {
    }

    /**
     * What to validate, as plain values that cross remoting: where from, the target image, the built commit, tag,
     * RPM Release (null: 1), arch, layout of a published tree (null: the seed's), the service package, and the trust
     * anchor: {@code pinnedKey} (armored public key(s) the controller holds or the workspace names, labelled
     * {@code pinnedSource}), or {@code trustPublishedKey}, or neither (a release directory's own key).
     */
    record Request(String from, String image, String commit, String tag, String release, String arch, String layout,
                   boolean withService, byte[] pinnedKey, String pinnedSource, boolean trustPublishedKey,
                   TreeMap<String, String> aws, TreeMap<String, String> docker) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** rpm-core's trust anchor of this request. */
        TrustAnchor anchor() {
            return pinnedKey != null ? TrustAnchor.pinned(pinnedKey, pinnedSource)
                    : trustPublishedKey ? TrustAnchor.trustPublished() : TrustAnchor.unpinned();
        }
    }

    /** rpm-core's refusal of an image docker would not take as a reference (or would read as an option). */
    static void checkImage(String image) {
        ImageReference.check(image);
    }

    /**
     * Validates in a fresh container of the image with the docker CLI of the machine this runs on; writes JUnit XML
     * when {@code junit} is not null. rpm-core refuses a published location without a pinned key unless the request
     * trusts the published key: that refusal gets {@code trustHint} (the step's own option names) appended. Returns
     * the vocabulary of {@code validate --json} (release, target, arch, emulated, passed, warnings, confinement,
     * checks with lower-case status) plus failures (one line per failed check) and summary (the console lines).
     */
    static Map<String, Object> validate(Request r, Path workDir, Path junit, String trustHint, Consumer<String> log)
            throws IOException {
        ValidationReport.checkJUnitFile(junit);   // a directory is refused before the validation, not after it
        ReleaseRef ref = new ReleaseRef(r.tag(), r.arch()).withRelease(r.release() == null ? "1" : r.release())
                .withService(r.withService());
        ContainerTarget.Engine d = ContainerTarget.Engine.dockerCli();
        TrustAnchor anchor = r.anchor();
        ValidationOptions options = ValidationOptions.of(ref, r.commit()).withAnchor(anchor).withInstall(
                new ValidationOptions.Container(r.image(), new ContainerTarget.Engine(d.docker(), r.docker(),
                        d.stepTimeout())));
        Layout layout = r.layout() == null ? Layout.SEED : Layout.named(r.layout());
        ValidationReport report;
        try (ReleaseSource source = ReleaseSource.open(r.from(), RpmCorePublish.s3(r.aws(), RpmValidateStep.FUNCTION),
                layout, log)) {
            try {
                anchor.require(source);   // rpm-core's rule, before anything is fetched
            } catch (SpecException e) {
                throw new SpecException(e.getMessage() + ". " + trustHint, e);
            }
            log.accept("signatures checked against " + anchor.describe());
            report = new Validator(options).validate(source, workDir);
        }
        if (junit != null) {
            report.writeJUnit(junit);
        }
        List<String> failures = new ArrayList<>();
        for (CheckOutcome c : report.failures()) {
            failures.add(c.packageName() + " " + c.check() + ": " + c.message());
        }
        Map<String, Object> result = new LinkedHashMap<>(RpmCore.plain(report.toMap()));
        result.put("failures", failures);
        result.put("summary", new ArrayList<>(report.summaryLines()));
        return result;
    }
}
