package io.avalanche.rpm.validate;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static io.avalanche.rpm.validate.LocalValidatorTest.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 21 item 2: validation takes its trust anchor from the caller, never from the place it checks. A published
 * location needs the expected key (or an explicit, loudly reported trust in the published one); with a pinned key,
 * a bucket whose key, packages and metadata were all swapped fails, and so does a published key file that holds a
 * key besides the pinned ones.
 */
class TrustAnchorTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;
    static TestReleases attacker;
    static Path good;
    static Path swapped;

    @BeforeAll
    static void setUp() {
        releases = new TestReleases(tmp.resolve("release-key"));
        attacker = new TestReleases(tmp.resolve("attacker-key"));
        good = releases.bucketDir(Variant.GOOD, "good");
        swapped = attacker.bucketDir(Variant.GOOD, "swapped");
    }

    static ValidationReport validate(Path bucket, String name, TrustAnchor anchor) {
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local()).withAnchor(anchor);
        try (ReleaseSource src = ReleaseSource.open("file:" + bucket, S3Settings.fromEnvironment(Map.of()))) {
            ValidationReport r = new Validator(o).validate(src, tmp.resolve("work-" + name));
            r.summaryLines().forEach(System.out::println);
            return r;
        }
    }

    @Test
    void aPublishedLocationNeedsTheExpectedKeyBeforeAnythingIsFetched() {
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local());
        Path work = tmp.resolve("work-unpinned");
        try (ReleaseSource src = ReleaseSource.open("file:" + swapped, S3Settings.fromEnvironment(Map.of()))) {
            assertThatThrownBy(() -> new Validator(o).validate(src, work)).isInstanceOf(SpecException.class)
                    .hasMessageContaining("--key FILE").hasMessageContaining("--trust-published-key");
        }
        assertThat(work).doesNotExist();
    }

    @Test
    void aBucketWithKeyPackagesAndMetadataAllSwappedFailsAgainstThePinnedKey() {
        ValidationReport r = validate(swapped, "swapped", TrustAnchor.pinned(releases.publicKey()));
        assertThat(r.passed()).isFalse();
        assertThat(result(r, TrustAnchor.TRUST, TrustAnchor.PUBLISHED_KEY).status())
                .isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(result(r, TrustAnchor.TRUST, TrustAnchor.PUBLISHED_KEY).message()).contains("not among the pinned")
                .contains("(--key " + releases.publicKey() + ")").doesNotContain("Source@");   // the pinned key's source
        for (String p : List.of("avalanchego", "subnet-evm")) {
            assertThat(result(r, p, Validator.SIGNATURE).message()).contains("NOKEY");
            assertThat(result(r, p, Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        }
        assertThat(result(r, RepositoryCheck.REPOSITORY, RepositoryCheck.REPOMD_SIGNATURE).status())
                .isEqualTo(CheckOutcome.Status.FAILED);
    }

    @Test
    void trustingThePublishedKeyPassesTheSwappedBucketButSaysSoLoudly() throws Exception {
        ValidationReport r = validate(swapped, "trusted", TrustAnchor.trustPublished());
        assertThat(r.passed()).isTrue();
        assertThat(r.warnings()).singleElement().asString().startsWith("WARNING: trusting the key published in")
                .contains("--key FILE");
        assertThat(r.summaryLines()).anyMatch(l -> l.startsWith("WARNING: trusting the key published"));
        assertThat(r.toJson()).contains("\"warnings\" : [ \"WARNING: trusting the key published");
        Path xml = tmp.resolve("trusted.xml");
        r.writeJUnit(xml);
        assertThat(Files.readString(xml)).contains("<property name=\"warning\" value=\"WARNING: trusting the key")
                .contains("<system-out>WARNING: trusting the key published");
    }

    @Test
    void aPublishedKeyFileWithAnExtraKeyFails() throws Exception {
        Path bucket = releases.bucketDir(Variant.GOOD, "extended");
        Path key = bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego");
        Files.writeString(key, Files.readString(key) + Files.readString(attacker.publicKey()));
        ValidationReport r = validate(bucket, "extended", TrustAnchor.pinned(releases.publicKey()));
        CheckOutcome k = result(r, TrustAnchor.TRUST, TrustAnchor.PUBLISHED_KEY);
        assertThat(k.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(result(r, "avalanchego", Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(r.passed()).isFalse();
    }

    @Test
    void aPinnedFileOfSeveralBlocksCoversARotation() throws Exception {
        Path both = Files.writeString(tmp.resolve("rotation.asc"), Files.readString(attacker.publicKey())
                + Files.readString(releases.publicKey()));
        ValidationReport r = validate(good, "rotation", TrustAnchor.pinned(both));
        assertThat(r.failures()).isEmpty();
        assertThat(result(r, TrustAnchor.TRUST, TrustAnchor.PUBLISHED_KEY).message()).contains("only pinned keys");
    }

    @Test
    void aReleaseDirectoryUsesItsOwnKeyUnlessOneIsPinned() throws Exception {
        Path dir = releases.releaseDir(Variant.GOOD, "dir");
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local());
        ValidationReport own = new Validator(o).validate(ReleaseSource.directory(dir), tmp.resolve("work-dir"));
        assertThat(own.failures()).isEmpty();
        assertThat(own.warnings()).isEmpty();
        assertThat(own.results()).noneMatch(c -> c.packageName().equals(TrustAnchor.TRUST));

        Files.copy(attacker.publicKey(), dir.resolve("RPM-GPG-KEY-avalanchego"), StandardCopyOption.REPLACE_EXISTING);
        ValidationReport pinned = new Validator(o.withAnchor(TrustAnchor.pinned(releases.publicKey())))
                .validate(ReleaseSource.directory(dir), tmp.resolve("work-dir-pinned"));
        assertThat(result(pinned, TrustAnchor.TRUST, TrustAnchor.PUBLISHED_KEY).status())
                .isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(result(pinned, "avalanchego", Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.PASSED);
    }

    /** The Jenkins controller holds the secret release key: its public part is the anchor, with no passphrase. */
    @Test
    void theControllersSecretKeyPinsItsPublicPart() throws Exception {
        try (io.avalanche.rpm.sign.GpgHome gpg = new io.avalanche.rpm.sign.GpgHome()) {
            String fpr = gpg.generate(io.avalanche.rpm.sign.GpgHome.rsa(2048, "sign,cert", "pass phrase 123",
                    "controller key"));
            byte[] secret = gpg.exportSecret(fpr, "pass phrase 123").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            TrustAnchor fromSecret = TrustAnchor.pinnedFromSecretKey(secret, "credential rpm-gpg-key");
            TrustAnchor fromPublic = TrustAnchor.pinned(gpg.exportPublic(fpr, tmp.resolve("controller.asc")));
            assertThat(fromSecret.describe()).contains(fpr.substring(24)).contains("credential rpm-gpg-key");
            assertThat(fromSecret.describe()).startsWith(fromPublic.describe().substring(0, 27));
            assertThatThrownBy(() -> TrustAnchor.pinnedFromSecretKey("junk".getBytes(java.nio.charset
                    .StandardCharsets.UTF_8), "credential x")).isInstanceOf(SpecException.class)
                    .hasMessageContaining("credential x");
        }
    }

    @Test
    void aPinnedFileMustHoldAPublicKey() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.asc"), "not a key\n");
        assertThatThrownBy(() -> TrustAnchor.pinned(junk)).isInstanceOf(SpecException.class)
                .hasMessageContaining("junk.asc");
        assertThatThrownBy(() -> TrustAnchor.pinned(tmp.resolve("absent.asc"))).isInstanceOf(SpecException.class)
                .hasMessageContaining("--key");
        assertThatThrownBy(() -> TrustAnchor.of(junk, true)).isInstanceOf(SpecException.class)
                .hasMessageContaining("not both");
    }
}
