package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unit's sandbox with systemd able to apply it (this test grants the booted container CAP_SYS_ADMIN, which
 * validation never does for package code): the node still writes its data directory, while / (so /etc) is
 * read-only and /root inaccessible for it.
 */
class ServiceHardeningTest {
    @TempDir
    Path tmp;

    @Test
    void theNodeWritesItsDataAndNothingElse() throws Exception {
        ContainerTarget.Engine engine = ContainerEnv.engine();
        java.util.Set<String> before = ContainerEnv.snapshot();
        Path dir = new TestReleases(tmp.resolve("fixtures")).serviceReleaseDir("hardening", Arch.host(), null, null);
        List<Path> rpms;
        try (Stream<Path> s = Files.list(dir)) {
            rpms = s.filter(p -> p.toString().endsWith(".rpm")).sorted().toList();
        }
        ServiceCheck.Verdict v = SystemdBoot.check(engine, ContainerEnv.image(Arch.host()), Platform.host(), rpms,
                dir.resolve("RPM-GPG-KEY-avalanchego"), List.of("--cap-add", "SYS_ADMIN"));
        System.out.println(v.message() + "\n" + v.output());
        assertThat(v.status()).isEqualTo(CheckOutcome.Status.PASSED);
        assertThat(v.message()).contains("ProtectSystem=strict in effect").doesNotContain("could not apply");
        assertThat(v.output()).contains("mounts=private", "context=avalanchego:avalanchego 640")
                .containsPattern("mount /=ro[,\\n]").containsPattern("mount /var/lib/avalanchego=rw[,\\n]")
                .contains("mount /root=", "mount /tmp=");
        assertThat(ContainerEnv.stayedSince(before, SystemdBoot.NAME_PREFIX)).isEmpty();
    }
}
