package io.avalanche.rpm.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ContainerEnv;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.Validator;
import io.avalanche.rpm.validate.UpgradeCheck;
import io.avalanche.rpm.validate.Scriptlets;
import io.avalanche.rpm.write.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * release --with-service on the sample for both arches: three packages per arch repository (the noarch service
 * package in each), validated in containers of each arch (systemd booted, natively and under
 * qemu-user emulation), and the two seed packages byte for byte what a release without the service package makes (all but
 * the signature header, whose signing time differs from run to run).
 */
class ServiceReleaseTest {
    @TempDir
    Path tmp;

    private ReleasePipeline.Request request(Path src, Path out, Path bucket, ValidationOptions.Install install) {
        return new ReleasePipeline.Request(ReleaseTag.parse("v1.14.1"), false, src, List.of(Arch.X86_64, Arch.AARCH64),
                null, out, bucket == null ? null : "file:" + bucket, KeyRequest.ephemeralKey(),
                S3Settings.fromEnvironment(Map.of()), install, "2.34", out.resolve("junit.xml"),
                Compression.parse("zstd:3"), false, ReleaseBuilder.Checks.STRICT);
    }

    @Test
    void threePackagesPerArchValidatedAndTheSeedPackagesUnchanged() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        ContainerEnv.image(Arch.X86_64);
        ContainerEnv.image(Arch.AARCH64);
        ValidationOptions.Install containers = new ValidationOptions.Container(
                "localhost/rpm-release-target:latest-" + ValidationOptions.ARCH_PLACEHOLDER, ContainerEnv.engine());
        Path out = tmp.resolve("with");
        Path bucket = tmp.resolve("bucket");
        List<String> log = new ArrayList<>();
        ReleasePipeline.Result res = ReleasePipeline.run(request(src, out, bucket, containers).withService(true),
                log::add);
        log.forEach(System.out::println);
        assertThat(res.passed()).as(String.join("\n", log)).isTrue();
        for (Arch a : List.of(Arch.X86_64, Arch.AARCH64)) {
            List<String> published;
            try (var s = Files.list(bucket.resolve("linux/rpms/" + a.rpm()))) {
                published = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".rpm")).sorted().toList();
            }
            assertThat(published).containsExactly("avalanchego-service-v1.14.1-noarch.rpm",
                    "avalanchego-v1.14.1-" + a.rpm() + ".rpm", "subnet-evm-v1.14.1-" + a.rpm() + ".rpm");
            assertThat(bucket.resolve("linux/rpms/" + a.rpm() + "/avalanchego-service-v1.14.1-noarch.rpm"))
                    .hasSameBinaryContentAs(out.resolve("avalanchego-service-v1.14.1-noarch.rpm"));
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("release.json").toFile());
        assertThat(m.get("files")).hasSize(6);
        // each arch validated from the release directory and from the bucket, the service package included
        assertThat(res.validations()).hasSize(4);
        for (ReleasePipeline.Validation v : res.validations()) {
            List<CheckOutcome> svc = v.report().results().stream()
                    .filter(c -> c.packageName().equals("avalanchego-service")).toList();
            List<String> checks = new ArrayList<>(List.of(Validator.SIGNATURE, Scriptlets.CHECK, Validator.ELF,
                    Validator.INSTALL, Validator.SERVICE, Validator.SYSTEMD));
            if (v.phase().equals("published")) {
                checks.add(2, "repo-listing");   // the yum repository of the arch lists the noarch package
                checks.add(UpgradeCheck.UPGRADE);   // the channel's first release: a NOTE, nothing to upgrade from
            }
            assertThat(svc).extracting(CheckOutcome::check).containsExactlyElementsOf(checks);
            CheckOutcome boot = svc.stream().filter(c -> c.check().equals(Validator.SYSTEMD)).findFirst().orElseThrow();
            // systemd boots as PID 1 under qemu-user too: the foreign arch's node starts and stops emulated
            assertThat(boot.message()).contains("systemctl stop stopped it");
            assertThat(svc).filteredOn(c -> !c.check().equals(UpgradeCheck.UPGRADE))
                    .allMatch(c -> c.status() == CheckOutcome.Status.PASSED);
            assertThat(svc).filteredOn(c -> c.check().equals(UpgradeCheck.UPGRADE))
                    .allMatch(c -> c.status() == CheckOutcome.Status.SKIPPED && c.message().startsWith("NOTE: "));
        }

        // the same release without the service package: the seed packages differ only in their signature header
        Path without = tmp.resolve("without");
        ReleasePipeline.Result plain = ReleasePipeline.run(request(src, without, null,
                new ValidationOptions.Local()), l -> { });
        assertThat(plain.passed()).isTrue();
        assertThat(Files.exists(without.resolve("avalanchego-service-v1.14.1-noarch.rpm"))).isFalse();
        for (Arch a : List.of(Arch.X86_64, Arch.AARCH64)) {
            for (String name : List.of("avalanchego", "subnet-evm")) {
                String file = name + "-v1.14.1-" + a.rpm() + ".rpm";
                assertThat(signedContent(out.resolve(file))).as(file).isEqualTo(signedContent(without.resolve(file)));
                assertThat(Files.size(out.resolve(file))).isEqualTo(Files.size(without.resolve(file)));
            }
        }
    }

    /** The main header and payload: what the signature covers; identical bytes mean identical packages. */
    static byte[] signedContent(Path rpm) throws Exception {
        RpmPackage p = RpmReader.read(rpm);
        byte[] all = Files.readAllBytes(rpm);
        return Arrays.copyOfRange(all, (int) p.mainHeaderOffset(), all.length);
    }

    @Test
    void withServiceIsRefusedWithLocalValidationBeforeAnyWork() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        assertThatThrownBy(() -> ReleasePipeline.plan(request(src, tmp.resolve("out"), null,
                new ValidationOptions.Local()).withService(true)))
                .isInstanceOf(SpecException.class).hasMessageContaining("--with-service cannot be validated with --local")
                .hasMessageContaining("in a container only");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void dryRunPlansTheServicePackageInEveryArchRepository() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        List<String> lines = ReleasePipeline.plan(request(src, tmp.resolve("out"), tmp.resolve("b"),
                new ValidationOptions.Container("img", null)).withService(true)).lines();
        assertThat(lines).anyMatch(l -> l.startsWith("package avalanchego-service: noarch, version 1.14.1, release 1, "
                + "file avalanchego-service-v1.14.1-noarch.rpm"));
        String bucket = "file:" + tmp.resolve("b") + "/linux/rpms/";
        for (String arch : List.of("x86_64", "aarch64")) {
            assertThat(lines).contains("  avalanchego-service-v1.14.1-noarch.rpm -> repository " + bucket + arch
                    + "/ as " + bucket + arch + "/avalanchego-service-v1.14.1-noarch.rpm");
        }
        Cmd.requireTool("git");
    }
}
