package io.avalanche.rpm.validate;

import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.avalanche.rpm.validate.LocalValidatorTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Validation in a fresh container of the target image (podman behind the docker CLI), one per case. */
class ContainerValidatorTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;
    static ContainerTarget.Engine engine;

    @BeforeAll
    static void setUp() {
        engine = ContainerEnv.engine();
        releases = new TestReleases(tmp.resolve("fixtures"));
    }

    @AfterEach
    void noContainerLeftBehind() {
        assertThat(ContainerEnv.leftBehind()).isEmpty();
    }

    static ValidationReport validate(Variant v, String name, String image) {
        ReleaseSource src = ReleaseSource.open("file:" + releases.bucketDir(v, name), S3Settings.fromEnvironment(java.util.Map.of()));
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Container(image, engine))
                .withAnchor(TrustAnchor.pinned(releases.publicKey()));
        ValidationReport r = new Validator(o).validate(src, tmp.resolve("work-" + name));
        r.summaryLines().forEach(System.out::println);
        return ContainerEnv.track(r);
    }

    @Test
    void goodReleasePassesInContainer() {
        ValidationReport r = validate(Variant.GOOD, "good", ContainerEnv.IMAGE);
        assertThat(r.failures()).isEmpty();
        assertThat(r.results()).hasSize(18);   // 10 package checks, 5 repository checks, 1 trust check, 2 upgrade NOTEs
        assertThat(r.results()).filteredOn(c -> !c.check().equals(UpgradeCheck.UPGRADE))
                .allMatch(c -> c.status() == CheckOutcome.Status.PASSED);
        assertThat(r.results()).filteredOn(c -> c.check().equals(UpgradeCheck.UPGRADE)).hasSize(2)
                .allMatch(c -> c.status() == CheckOutcome.Status.SKIPPED && c.message().startsWith("NOTE: "));
        assertThat(result(r, TrustAnchor.TRUST, TrustAnchor.PUBLISHED_KEY).message()).contains("only pinned keys");
        assertThat(r.confinement()).contains("inside container rpm-release-validate-").contains("--network=none");
        assertThat(result(r, "avalanchego", Validator.INSTALL).message()).contains("container");
        assertThat(result(r, "avalanchego", Validator.INSTALL).output()).containsIgnoringCase("ok");
    }

    @Test
    void wrongCommitFailsSmokeInContainer() {
        ValidationReport r = validate(Variant.WRONG_COMMIT, "commit", ContainerEnv.IMAGE);
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("avalanchego/smoke");
    }

    @Test
    void missingPluginFailsInContainer() {
        ValidationReport r = validate(Variant.MISSING_PLUGIN, "noplugin", ContainerEnv.IMAGE);
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("subnet-evm/smoke");
    }

    /**
     * A release that fails its signature check runs nothing: the container started beside the checks stays at its
     * gate, ends there and is removed.
     */
    @Test
    void tamperedReleaseRunsNothingAndLeavesNoContainer() {
        java.util.Set<String> before = ContainerEnv.snapshot();
        ValidationReport r = validate(Variant.TAMPERED, "tampered", ContainerEnv.IMAGE);
        assertThat(result(r, "avalanchego", Validator.SIGNATURE).failed()).isTrue();
        for (String p : List.of("avalanchego", "subnet-evm")) {
            assertThat(result(r, p, Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
            assertThat(result(r, p, Validator.SMOKE).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        }
        assertThat(r.confinement()).isEqualTo("no package code ran: nothing was installed");
        assertThat(ContainerEnv.stayedSince(before, ContainerTarget.NAME_PREFIX)).as("held containers removed")
                .isEmpty();
    }

    /**
     * An image of another arch is refused with the engine's word for its arch, though its container had started (held
     * at its gate) beside the checks: nothing ran in it, and it is gone.
     */
    @Test
    void anImageOfAnotherArchIsRefusedAndRunsNothing() {
        String other = ContainerEnv.image(io.avalanche.rpm.format.Arch.AARCH64);
        java.util.Set<String> before = ContainerEnv.snapshot();
        ValidationReport r = validate(Variant.GOOD, "otherarch", other);
        for (String p : List.of("avalanchego", "subnet-evm")) {
            assertThat(result(r, p, Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.ERROR);
            assertThat(result(r, p, Validator.INSTALL).message()).contains("image " + other + " is for arm64, but the"
                    + " release is x86_64");
            assertThat(result(r, p, Validator.SMOKE).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        }
        assertThat(r.confinement()).isEqualTo("no package code ran: nothing was installed");
        assertThat(ContainerEnv.stayedSince(before, ContainerTarget.NAME_PREFIX)).as("held container removed").isEmpty();
    }

    @Test
    void missingImageFailsInstallAndLeavesNothing() {
        ValidationReport r = validate(Variant.GOOD, "noimage", "localhost/rpm-release-no-such-image:1");
        assertThat(result(r, "avalanchego", Validator.INSTALL).failed()).isTrue();
        assertThat(result(r, "avalanchego", Validator.INSTALL).message()).contains("cannot start a container");
        assertThat(result(r, "avalanchego", Validator.SMOKE).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
    }

    /**
     * The engine keeps no process for a finished validation: the conmon (and any other) processes whose command
     * line names one of its containers are counted before and after; podman 4.3's Docker API kept two conmon
     * processes per `docker exec` for five minutes, even after the container was removed.
     */
    @Test
    void aValidationLeavesNoEngineProcessBehind() throws Exception {
        long conmonBefore = EngineProcesses.conmon().count();
        ValidationReport r = validate(Variant.GOOD, "processes", ContainerEnv.IMAGE);
        assertThat(r.failures()).isEmpty();
        java.util.Set<String> names = EngineProcesses.containerNames(r);
        assertThat(names).isNotEmpty();
        List<String> left = EngineProcesses.naming(names, java.time.Duration.ofSeconds(15));
        System.out.println("conmon processes of the engine: " + conmonBefore + " before, "
                + EngineProcesses.conmon().count() + " after (all users of the service); naming " + names + ": "
                + left.size());
        assertThat(left).as("engine processes still naming this validation's containers").isEmpty();
    }
}
