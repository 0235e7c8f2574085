package io.avalanche.rpm.validate;

import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationReportTest {
    static final ValidationReport REPORT = new ValidationReport("v1.14.1 x86_64", "image rockylinux:9", List.of(
            CheckOutcome.passed("avalanchego", "signature", "ok", "Header V4 RSA/SHA256 Signature: OK",
                    Duration.ofMillis(120)),
            CheckOutcome.failed("avalanchego", "elf", "needs GLIBC_2.36 <&> \"x\"", "bin\u0001ary\u0000",
                    Duration.ofMillis(5)),
            CheckOutcome.skipped("subnet-evm", "install", "not installed")));

    @Test
    void junitXmlIsWellFormedWithFailuresAndSkips() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        REPORT.writeJUnit(out);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(out.toByteArray()));
        Element suite = (Element) d.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).isEqualTo("1");
        Element failure = (Element) d.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("needs GLIBC_2.36 <&> \"x\"");
        assertThat(failure.getTextContent()).contains("bin?ary?");
        Element tc = (Element) failure.getParentNode();
        assertThat(tc.getAttribute("classname")).isEqualTo("avalanchego");
        assertThat(tc.getAttribute("name")).isEqualTo("elf");
        assertThat(tc.getAttribute("time")).isEqualTo("0.005");
    }

    @Test
    void junitNamesCarryArchAndEmulation() throws Exception {
        Platform arm = new Platform(io.avalanche.rpm.format.Arch.AARCH64, true, "qemu-user (binfmt_misc qemu-aarch64)");
        ValidationReport r = new ValidationReport("v1.14.1 aarch64", "image x", REPORT.results(), arm);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeJUnit(out);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(out.toByteArray()));
        Element suite = (Element) d.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("rpm-release validate v1.14.1 aarch64 (aarch64, emulated)");
        Element tc = (Element) d.getElementsByTagName("testcase").item(1);
        assertThat(tc.getAttribute("classname")).isEqualTo("aarch64.avalanchego");
        assertThat(tc.getAttribute("name")).isEqualTo("elf (aarch64, emulated)");
        assertThat(r.summaryLines()).hasSize(5);
        assertThat(r.summaryLines().get(3)).startsWith("NOTE  aarch64 programs ran under emulation, qemu-user")
                .contains("not behaviour on real aarch64 hardware");
        assertThat(r.toJson()).contains("\"arch\" : \"aarch64\"").contains("\"emulated\" : true");
    }

    @Test
    void verdictAndSummary() {
        assertThat(REPORT.passed()).isFalse();
        assertThat(REPORT.summaryLines()).hasSize(4).last().asString().startsWith("FAILED");
        assertThat(REPORT.summaryLines().get(1)).startsWith("FAIL  avalanchego  elf");
        assertThat(new ValidationReport("r", "t", List.of(REPORT.results().get(0), REPORT.results().get(2)))
                .passed()).isTrue();
    }

    @Test
    void sourcesAndRefs() {
        S3Settings s3 = S3Settings.fromEnvironment(java.util.Map.of());
        assertThat(ReleaseSource.open("file:/srv/b", s3).describe()).isEqualTo("file:/srv/b");
        assertThat(ReleaseSource.open("file:///srv/b", s3).describe()).isEqualTo("file:/srv/b");
        assertThat(ReleaseSource.open("/srv/rel", s3).describe()).isEqualTo("release directory /srv/rel");
        assertThat(ReleaseSource.open("/srv/rel", s3).publishedStore()).isEmpty();
        try (ReleaseSource s = ReleaseSource.open("S3://b/p", s3)) {
            assertThat(s.describe()).isEqualTo("s3://b/p");
            assertThat(s.publishedStore()).isPresent();
        }
        assertThatThrownBy(() -> ReleaseSource.open("http://x/y", s3)).isInstanceOf(SpecException.class);
        assertThat(new ReleaseRef("v1.14.1", "arm64").fileName("subnet-evm"))
                .isEqualTo("subnet-evm-v1.14.1-aarch64.rpm");
        assertThatThrownBy(() -> new ReleaseRef("v1.14.1", "ppc")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> new ReleaseRef("../x", "x86_64")).isInstanceOf(SpecException.class);
    }
}
