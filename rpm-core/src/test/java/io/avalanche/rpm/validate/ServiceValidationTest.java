package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.release.AvalanchegoService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.avalanche.rpm.validate.LocalValidatorTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service package's validation: in a container of the target image (systemd-analyze verify, user, owners,
 * preset) and with systemd booted in a second container (the stand-in node starts as its user, writes its data,
 * stops); broken units fail it; --local never installs it and says so.
 */
class ServiceValidationTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;
    static ContainerTarget.Engine engine;

    @BeforeAll
    static void setUp() {
        engine = ContainerEnv.engine();
        releases = new TestReleases(tmp.resolve("fixtures"));
    }

    private java.util.Set<String> before;

    @org.junit.jupiter.api.BeforeEach
    void containersBefore() {
        before = ContainerEnv.snapshot();
    }

    @AfterEach
    void noContainerLeftBehind() {
        assertThat(ContainerEnv.stayedSince(before, ContainerTarget.NAME_PREFIX)).isEmpty();
    }

    static ValidationReport validate(Path dir, ValidationOptions.Install install, String work) {
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64").withService(true),
                TestReleases.COMMIT).withInstall(install);
        ValidationReport r = new Validator(o).validate(ReleaseSource.directory(dir), tmp.resolve(work));
        r.summaryLines().forEach(System.out::println);
        return r;
    }

    private static ValidationOptions.Container container() {
        return new ValidationOptions.Container(ContainerEnv.image(Arch.X86_64), engine);
    }

    @Test
    void serviceReleasePassesWithSystemdStartingAndStoppingTheNode() {
        Path dir = releases.serviceReleaseDir("svc-good", Arch.X86_64, null, null);
        ValidationReport r = validate(dir, container(), "w-good");
        assertThat(r.failures()).isEmpty();
        assertThat(r.results()).noneMatch(c -> c.status() != CheckOutcome.Status.PASSED);
        String pkg = ServiceCheck.PACKAGE;
        assertThat(result(r, pkg, Validator.ELF).message()).isEqualTo("no ELF files");
        assertThat(result(r, pkg, Validator.SERVICE).message()).contains("systemd-analyze verify accepts",
                "user avalanchego", "unit disabled after install (preset decides)");
        CheckOutcome boot = result(r, pkg, Validator.SYSTEMD);
        System.out.println(boot.output());
        assertThat(boot.message()).contains("the node ran as avalanchego", "systemctl stop stopped it");
        assertThat(boot.output()).contains("context=avalanchego:avalanchego 640", "after=inactive", "alive=no",
                "context.after=removed", "journal=").containsPattern("cmdline=/var/opt/avalanchego/bin/avalanchego "
                + "--config-file=/etc/avalanchego/config.json --data-dir=/var/lib/avalanchego "
                + "--plugin-dir=/var/opt/avalanchego/plugins");
    }

    @Test
    void aUnitSystemdRejectsFailsTheServiceCheck() {
        String unit = AvalanchegoService.resource("avalanchego.service")
                .replace("Restart=on-failure", "Restart=on-failure\nRestartSecs=5s");
        ValidationReport r = validate(releases.serviceReleaseDir("svc-typo", Arch.X86_64, unit, null), container(),
                "w-typo");
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly(ServiceCheck.PACKAGE + "/" + Validator.SERVICE);
        assertThat(result(r, ServiceCheck.PACKAGE, Validator.SERVICE).message())
                .contains("systemd-analyze verify", "RestartSecs");
    }

    @Test
    void aNodeThatCannotWriteItsDataFailsTheSystemdCheck() {
        String unit = AvalanchegoService.resource("avalanchego.service")
                .replace("--data-dir=/var/lib/avalanchego", "--data-dir=/var/opt/avalanchego/data");
        ValidationReport r = validate(releases.serviceReleaseDir("svc-nodata", Arch.X86_64, unit, null), container(),
                "w-nodata");
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly(ServiceCheck.PACKAGE + "/" + Validator.SYSTEMD);
        // the node fails to start, or (on a loaded machine) is still starting when checked: it never writes its data
        CheckOutcome systemd = result(r, ServiceCheck.PACKAGE, Validator.SYSTEMD);
        assertThat(systemd.message()).contains("did not leave it running", "the node exited with status 1");
        // the check stopped waiting for process.json when the node's process ended, not after the 30 s it allows a
        // slow start
        String polls = ServiceCheck.first(ServiceCheck.parse(systemd.output()), "polls");
        assertThat(polls).as(systemd.output()).matches("\\d+");
        assertThat(Integer.parseInt(polls)).as(systemd.output()).isLessThan(SystemdBoot.POLLS);
    }

    @Test
    void localValidationNeverInstallsTheServicePackageAndSaysSo() {
        Path dir = releases.serviceReleaseDir("svc-local", Arch.X86_64, null, null);
        ValidationReport r = validate(dir, new ValidationOptions.Local(), "w-local");
        assertThat(r.passed()).isTrue();
        CheckOutcome install = result(r, ServiceCheck.PACKAGE, Validator.INSTALL);
        assertThat(install.status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        assertThat(install.message()).startsWith("NOTE: not installed").contains("container only, never on this host");
        assertThat(result(r, "avalanchego", Validator.SMOKE).status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(r.summaryLines()).anyMatch(l -> l.startsWith("NOTE  avalanchego-service install: not installed"));
        assertThat(result(r, ServiceCheck.PACKAGE, Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.PASSED);
    }
}
