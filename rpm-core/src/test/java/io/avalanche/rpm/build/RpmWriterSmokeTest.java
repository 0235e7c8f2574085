package io.avalanche.rpm.build;

import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RpmWriterSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void rpmReadsOurPackage() throws Exception {
        Path rpm = TestPackages.avalanchego(tmp, Compression.parse("zstd:3"), 100_000);
        Cmd.Result r = Cmd.run("rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}\\n", rpm.toString());
        System.out.println(r.output());
        System.out.println(Cmd.run("rpm", "-Kv", rpm.toString()).output());
        System.out.println(Cmd.run("rpm", "-qlvp", rpm.toString()).output());
        System.out.println(Cmd.run("rpmlint", rpm.toString()).output());
        assertThat(r.ok().output()).contains("avalanchego 1.14.1 1 x86_64");
    }
}
