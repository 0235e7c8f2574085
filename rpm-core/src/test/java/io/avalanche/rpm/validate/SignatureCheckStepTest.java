package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One rpm -K for all packages of a validation: each package is judged by its own line of the output. */
class SignatureCheckStepTest {
    @TempDir
    Path tmp;

    @Test
    void eachPackageIsJudgedByItsOwnLine() throws Exception {
        TestReleases releases = new TestReleases(tmp.resolve("fixtures"));
        Path good = releases.releaseDir(TestReleases.Variant.GOOD, "good");
        Path a = good.resolve("avalanchego-v1.14.1-x86_64.rpm");
        Path broken = Files.copy(good.resolve("subnet-evm-v1.14.1-x86_64.rpm"),
                tmp.resolve("subnet-evm-v1.14.1-x86_64.rpm"));
        try (FileChannel ch = FileChannel.open(broken, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long at = ch.size() - 100;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x55));
            b.rewind();
            ch.write(b, at);
        }
        Step.Results res;
        try (LocalTarget t = LocalTarget.start(tmp.resolve("root"), "2.34")) {
            res = t.run(List.of(new Step("import", new Step.ImportKey(good.resolve("RPM-GPG-KEY-avalanchego"))),
                    new Step("k", new Step.CheckSignature(List.of(a, broken)), "import")));
        }
        ProcessRunner.Result k = res.get("k");
        assertThat(k.ok()).as(k.output()).isFalse();
        assertThat(InstallPhase.checkLine(k, "avalanchego-v1.14.1-x86_64.rpm")).as(k.output())
                .isEqualTo(a.toAbsolutePath() + InstallPhase.CHECK_OK);
        assertThat(InstallPhase.checkLine(k, "subnet-evm-v1.14.1-x86_64.rpm")).as(k.output())
                .startsWith(broken.toAbsolutePath() + ": ").doesNotEndWith(InstallPhase.CHECK_OK);
        assertThat(InstallPhase.checkLine(k, "v1.14.1-x86_64.rpm")).as("no package of that name: the whole output")
                .isEqualTo(k.output().strip());
    }
}
