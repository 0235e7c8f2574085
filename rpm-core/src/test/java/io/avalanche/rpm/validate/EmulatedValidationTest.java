package io.avalanche.rpm.validate;

import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;

import static io.avalanche.rpm.validate.LocalValidatorTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Releases of the other arch (aarch64 on an x86_64 machine) validated under qemu-user emulation: the same
 * ELF gate, install and smoke test, in a container of an arm64 image and in a scratch rpm root. Never skipped:
 * without qemu-user-static and its binfmt_misc handler these tests fail, naming what is missing.
 */
class EmulatedValidationTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;
    static Arch arch;
    static ContainerTarget.Engine engine;

    @BeforeAll
    static void setUp() {
        arch = PlatformTest.foreign();
        engine = ContainerEnv.engine();
        releases = new TestReleases(tmp.resolve("fixtures"));
    }

    @AfterEach
    void noContainerLeftBehind() {
        assertThat(ContainerEnv.leftBehind()).isEmpty();
    }

    static ValidationReport validate(Variant v, String name, ValidationOptions.Install install) {
        ReleaseSource src = ReleaseSource.open("file:" + releases.bucketDir(v, name, arch), S3Settings.fromEnvironment(java.util.Map.of()));
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, arch.rpm()), TestReleases.COMMIT)
                .withInstall(install)
                .withAnchor(TrustAnchor.pinned(releases.publicKey()));
        ValidationReport r = new Validator(o).validate(src, tmp.resolve("work-" + name));
        r.summaryLines().forEach(System.out::println);
        return ContainerEnv.track(r);
    }

    static ValidationOptions.Install container() {
        return new ValidationOptions.Container(ContainerEnv.image(arch), engine);
    }

    @Test
    void goodReleasePassesEveryCheckInAnEmulatedContainer() throws Exception {
        ValidationReport r = validate(Variant.GOOD, "good", container());
        assertThat(r.failures()).isEmpty();
        assertThat(r.results()).hasSize(18);   // 10 package checks, 5 repository checks, 1 trust check, 2 upgrade NOTEs
        assertThat(r.results()).filteredOn(c -> !c.check().equals(UpgradeCheck.UPGRADE))
                .allMatch(c -> c.status() == CheckOutcome.Status.PASSED);
        assertThat(r.results()).filteredOn(c -> c.check().equals(UpgradeCheck.UPGRADE)).hasSize(2)
                .allMatch(c -> c.status() == CheckOutcome.Status.SKIPPED && c.message().startsWith("NOTE: "));
        assertThat(r.platform().emulated()).isTrue();
        assertThat(r.target()).contains(arch.rpm() + ", emulated").contains("qemu-" + arch.rpm());
        assertThat(result(r, "avalanchego", Validator.INSTALL).message()).contains(arch.rpm() + ", emulated");
        assertThat(result(r, "avalanchego", Validator.SMOKE).message()).contains("commit=" + TestReleases.COMMIT);
        assertThat(result(r, "subnet-evm", Validator.SMOKE).message()).contains(TestReleases.VM_ID);
        assertThat(r.summaryLines()).anyMatch(l -> l.startsWith("NOTE") && l.contains("emulation")
                && l.contains("not behaviour on real"));

        Path xml = tmp.resolve("emulated-junit.xml");
        r.writeJUnit(xml);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList cases = d.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(18);   // 10 package checks, 5 repository checks, 1 trust check, 2 upgrade NOTEs
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            assertThat(c.getAttribute("classname")).startsWith(arch.rpm() + ".");
            assertThat(c.getAttribute("name")).endsWith("(" + arch.rpm() + ", emulated)");
        }
        assertThat(r.toJson()).contains("\"emulated\" : true").contains("\"arch\" : \"" + arch.rpm() + "\"");
    }

    @Test
    void wrongCommitIsCaughtByTheSmokeTestUnderEmulation() {
        ValidationReport r = validate(Variant.WRONG_COMMIT, "commit", container());
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("avalanchego/smoke");
        assertThat(result(r, "avalanchego", Validator.SMOKE).message()).contains("fedcba98")
                .contains("commit=" + TestReleases.COMMIT);
        assertThat(result(r, "avalanchego", Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.PASSED);
    }

    @Test
    void glibcDriftIsCaughtByTheElfGateOfAnEmulatedRun() {
        ValidationReport r = validate(Variant.NEW_GLIBC, "glibc", container());
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("avalanchego/elf");
        assertThat(result(r, "avalanchego", Validator.ELF).message())
                .contains("avalanchego-v1.14.1-" + arch.rpm() + ".rpm").contains("GLIBC_2.36").contains("2.34");
        assertThat(r.platform().emulated()).isTrue();
    }

    @Test
    void imageOfTheWrongArchIsRefusedByName() {
        String other = ContainerEnv.image(Arch.host());
        ValidationReport r = validate(Variant.GOOD, "wrongimage", new ValidationOptions.Container(other, engine));
        CheckOutcome install = result(r, "avalanchego", Validator.INSTALL);
        assertThat(install.failed()).isTrue();
        assertThat(install.message()).contains("image " + other + " is for " + Arch.host().docker())
                .contains("--arch " + arch.docker());
        assertThat(result(r, "avalanchego", Validator.SMOKE).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
    }

    @Test
    void localScratchRootRunsTheForeignProgramsUnderEmulation() {
        ValidationReport good = validate(Variant.GOOD, "local-good", new ValidationOptions.Local());
        assertThat(good.failures()).isEmpty();
        assertThat(good.results()).hasSize(18);   // 10 package checks, 5 repository checks, 1 trust check, 2 upgrade NOTEs
        assertThat(good.results()).filteredOn(c -> !c.check().equals(UpgradeCheck.UPGRADE))
                .allMatch(c -> c.status() == CheckOutcome.Status.PASSED);
        assertThat(good.results()).filteredOn(c -> c.check().equals(UpgradeCheck.UPGRADE)).hasSize(2)
                .allMatch(c -> c.status() == CheckOutcome.Status.SKIPPED && c.message().startsWith("NOTE: "));
        assertThat(good.target()).contains("emulated");

        ValidationReport commit = validate(Variant.WRONG_COMMIT, "local-commit", new ValidationOptions.Local());
        assertThat(commit.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("avalanchego/smoke");

        ValidationReport machine = validate(Variant.WRONG_ARCH, "local-arch", new ValidationOptions.Local());
        assertThat(result(machine, "avalanchego", Validator.ELF).message())
                .contains("/var/opt/avalanchego/bin/avalanchego").contains(Arch.host().rpm())
                .contains("package arch is " + arch.rpm());
    }
}
