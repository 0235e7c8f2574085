package io.avalanche.rpm.validate;

import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.validate.TestReleases.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole validation against real rpm/rpmkeys, installing into a scratch rpm root (--local). */
class LocalValidatorTest {
    @TempDir
    static Path tmp;
    static TestReleases releases;

    @BeforeAll
    static void key() {
        releases = new TestReleases(tmp.resolve("fixtures"));
    }

    static ValidationReport validate(Variant v, String name) {
        ReleaseSource src = ReleaseSource.directory(releases.releaseDir(v, name));
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local());
        ValidationReport r = new Validator(o).validate(src, tmp.resolve("work-" + name));
        r.summaryLines().forEach(System.out::println);
        return r;
    }

    static CheckOutcome result(ValidationReport r, String pkg, String check) {
        return r.results().stream().filter(c -> c.packageName().equals(pkg) && c.check().equals(check))
                .findFirst().orElseThrow(() -> new AssertionError("no " + pkg + "/" + check + " in " + r.results()));
    }

    @Test
    void goodReleasePassesEveryCheck() throws Exception {
        ValidationReport r = validate(Variant.GOOD, "good");
        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.results()).hasSize(8).allMatch(c -> c.status() == CheckOutcome.Status.PASSED);
        assertThat(result(r, "avalanchego", Validator.SMOKE).message()).contains("commit=" + TestReleases.COMMIT);
        assertThat(result(r, "subnet-evm", Validator.SMOKE).message())
                .contains("/var/opt/avalanchego/plugins/" + TestReleases.VM_ID);

        Path xml = tmp.resolve("good-junit.xml");
        r.writeJUnit(xml);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList cases = d.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(8);
        assertThat(((Element) cases.item(0)).getAttribute("classname")).isEqualTo("x86_64.avalanchego");
        assertThat(((Element) cases.item(0)).getAttribute("name")).isEqualTo("signature (x86_64, native)");
        assertThat(r.platform().emulated()).isFalse();
        assertThat(r.summaryLines()).noneMatch(l -> l.startsWith("NOTE"));
        assertThat(d.getElementsByTagName("failure").getLength()).isZero();
        assertThat(r.toJson()).contains("\"passed\" : true");
        assertThat(tmp.resolve("work-good/root")).doesNotExist();
    }

    @Test
    void wrongCommitFailsSmoke() {
        ValidationReport r = validate(Variant.WRONG_COMMIT, "commit");
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("avalanchego/smoke");
        assertThat(result(r, "avalanchego", Validator.SMOKE).message())
                .contains("fedcba98").contains("expected").contains("commit=" + TestReleases.COMMIT);
    }

    @Test
    void missingPluginFails() {
        ValidationReport r = validate(Variant.MISSING_PLUGIN, "noplugin");
        assertThat(r.failures()).extracting(c -> c.packageName() + "/" + c.check())
                .containsExactly("subnet-evm/smoke");
        assertThat(result(r, "subnet-evm", Validator.SMOKE).message()).contains("installs no plugin");
    }

    @Test
    void tamperedPackageFailsBeforeInstall() {
        ValidationReport r = validate(Variant.TAMPERED, "tampered");
        CheckOutcome sig = result(r, "avalanchego", Validator.SIGNATURE);
        assertThat(sig.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(sig.message()).contains("avalanchego-v1.14.1-x86_64.rpm").contains("payload-digest: BAD");
        assertThat(result(r, "subnet-evm", Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.PASSED);
        for (String p : List.of("avalanchego", "subnet-evm")) {
            assertThat(result(r, p, Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
            assertThat(result(r, p, Validator.SMOKE).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        }
        assertThat(tmp.resolve("work-tampered/root")).doesNotExist();
    }

    @Test
    void signatureByAnotherKeyThanThePublishedOneFails() throws Exception {
        Path dir = releases.releaseDir(Variant.GOOD, "otherkey");
        Path foreign = new TestReleases(tmp.resolve("other-signer")).releaseDir(Variant.UNSIGNED, "x");
        Files.copy(foreign.resolve("RPM-GPG-KEY-avalanchego"), dir.resolve("RPM-GPG-KEY-avalanchego"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "x86_64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local());
        ValidationReport r = new Validator(o).validate(ReleaseSource.directory(dir));
        for (String p : List.of("avalanchego", "subnet-evm")) {
            assertThat(result(r, p, Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.FAILED);
            assertThat(result(r, p, Validator.SIGNATURE).message()).contains("NOKEY");
            assertThat(result(r, p, Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        }
    }

    @Test
    void unsignedPackageFails() {
        ValidationReport r = validate(Variant.UNSIGNED, "unsigned");
        assertThat(result(r, "avalanchego", Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(result(r, "subnet-evm", Validator.SIGNATURE).status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(result(r, "avalanchego", Validator.INSTALL).status()).isEqualTo(CheckOutcome.Status.SKIPPED);
        assertThat(r.passed()).isFalse();
    }

    @Test
    void newerGlibcFailsElfGate() {
        ValidationReport r = validate(Variant.NEW_GLIBC, "glibc");
        CheckOutcome elf = result(r, "avalanchego", Validator.ELF);
        assertThat(elf.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(elf.message()).contains("avalanchego-v1.14.1-x86_64.rpm")
                .contains("/var/opt/avalanchego/bin/avalanchego").contains("GLIBC_2.36").contains("2.34");
        assertThat(result(r, "subnet-evm", Validator.ELF).status()).isEqualTo(CheckOutcome.Status.PASSED);
    }

    @Test
    void targetGlibcIsConfigurable() {
        ReleaseSource src = ReleaseSource.directory(releases.releaseDir(Variant.NEW_GLIBC, "glibc236"));
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(TestReleases.TAG, "amd64"), TestReleases.COMMIT)
                .withInstall(new ValidationOptions.Local()).withTargetGlibc("2.36");
        ValidationReport r = new Validator(o).validate(src, tmp.resolve("work-glibc236"));
        assertThat(r.failures()).isEmpty();
    }

    @Test
    void foreignMachineFailsElfGate() {
        ValidationReport r = validate(Variant.WRONG_ARCH, "arch");
        CheckOutcome elf = result(r, "avalanchego", Validator.ELF);
        assertThat(elf.status()).isEqualTo(CheckOutcome.Status.FAILED);
        assertThat(elf.message()).contains("/var/opt/avalanchego/bin/avalanchego").contains("aarch64")
                .contains("x86_64");
    }

    @Test
    void bucketLayoutUsesThePublishedKey() throws Exception {
        Path bucket = releases.bucketDir(Variant.GOOD, "bucket");
        ReleaseSource src = ReleaseSource.open("file:" + bucket, S3Settings.fromEnvironment(java.util.Map.of()));
        FetchedRelease rel = src.fetch(new ReleaseRef(TestReleases.TAG, "x86_64"), tmp.resolve("work-bucket"));
        assertThat(rel.rpms()).containsOnlyKeys("avalanchego", "subnet-evm");
        assertThat(Files.readString(rel.publicKey()))
                .isEqualTo(Files.readString(bucket.resolve("linux/rpms/RPM-GPG-KEY-avalanchego")));
    }
}
