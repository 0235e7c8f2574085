package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ContainerEnv;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.UpgradeCheck;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * validate from a published location walks the customer's upgrade path with real dnf (Debian's dnf 4 in the target
 * image): the first release of a channel says NOTE; the next one installs the previous release, upgrades, downgrades,
 * each checked with rpm -V and the smoke test, in the console lines and the JUnit report; a previous release whose
 * published package is damaged fails the check.
 */
class UpgradeValidationTest {
    @TempDir
    Path tmp;

    @Test
    void publishedValidationUpgradesAndDowngradesWithDnf() throws Exception {
        try (SigningKey key = SigningKeys.ephemeral()) {
            byte[] keyFile = ReleaseDirs.keyFile(key);
            ReleaseDirs dirs = new ReleaseDirs(tmp.resolve("work"));
            Path bucket = tmp.resolve("bucket");
            try (FileStore store = new FileStore(bucket)) {
                Publisher p = new Publisher(store, o -> { }, l -> { });
                for (String tag : new String[] {"v1.14.1", "v1.14.2"}) {
                    p.publish(dirs.make(tag, "1", key, keyFile),
                            Publisher.Options.defaults(RepoSigner.of(key.headerSigner())));
                }
            }
            ValidationReport first = validate(bucket, keyFile, "v1.14.1");
            first.summaryLines().forEach(System.out::println);
            assertThat(first.passed()).as(String.join("\n", first.summaryLines())).isTrue();
            assertThat(first.summaryLines()).anyMatch(l -> l.startsWith("NOTE  avalanchego  upgrade")
                    && l.contains("first release of the stable channel for x86_64"));
            assertThat(first.results()).filteredOn(r -> r.check().equals(UpgradeCheck.UPGRADE))
                    .extracting(CheckOutcome::status).containsOnly(CheckOutcome.Status.SKIPPED);

            ValidationReport second = validate(bucket, keyFile, "v1.14.2");
            second.summaryLines().forEach(System.out::println);
            assertThat(second.passed()).as(String.join("\n", second.summaryLines())).isTrue();
            for (String pkg : new String[] {"avalanchego", "subnet-evm"}) {
                assertThat(second.results()).filteredOn(r -> r.packageName().equals(pkg))
                        .filteredOn(r -> r.check().equals(UpgradeCheck.UPGRADE) || r.check().equals(UpgradeCheck.DOWNGRADE))
                        .extracting(CheckOutcome::status)
                        .containsExactly(CheckOutcome.Status.PASSED, CheckOutcome.Status.PASSED);
            }
            assertThat(second.summaryLines()).anyMatch(l -> l.startsWith("PASS  avalanchego  upgrade")
                    && l.contains("1.14.1-1 -> 1.14.2-1") && l.contains("gpgcheck=1, repo_gpgcheck=1"));
            assertThat(second.summaryLines()).anyMatch(l -> l.startsWith("PASS  subnet-evm   downgrade"));
            Path junit = tmp.resolve("junit.xml");
            second.writeJUnit(junit);
            assertThat(Files.readString(junit)).contains("classname=\"x86_64.avalanchego\" name=\"upgrade (x86_64, native)\"",
                    "classname=\"x86_64.subnet-evm\" name=\"downgrade (x86_64, native)\"");

            // the previous release damaged where it is published: dnf refuses it, the check fails
            Path old = bucket.resolve(Layout.SEED.packageKey("x86_64", "avalanchego-v1.14.1-x86_64.rpm"));
            try (RandomAccessFile f = new RandomAccessFile(old.toFile(), "rw")) {
                f.seek(f.length() - 1);
                int b = f.read();
                f.seek(f.length() - 1);
                f.write(b ^ 0xff);
            }
            ValidationReport broken = validate(bucket, keyFile, "v1.14.2");
            broken.summaryLines().forEach(System.out::println);
            assertThat(broken.passed()).isFalse();
            assertThat(broken.failures()).extracting(CheckOutcome::check).contains(UpgradeCheck.UPGRADE);
            assertThat(broken.summaryLines()).anyMatch(l -> l.startsWith("FAIL  avalanchego  upgrade")
                    && l.contains("dnf install failed"));
        }
    }

    private ValidationReport validate(Path bucket, byte[] keyFile, String tag) {
        ValidationOptions o = ValidationOptions.of(new ReleaseRef(tag, "x86_64"), ReleaseDirs.COMMIT)
                .withAnchor(io.avalanche.rpm.validate.TrustAnchor.pinned(keyFile, "the test's release key"))
                .withInstall(new ValidationOptions.Container(ContainerEnv.image(Arch.X86_64), ContainerEnv.engine()))
                .withVmId(ReleaseDirs.VM_ID, "test");
        try (ReleaseSource source = ReleaseSource.open("file:" + bucket, S3Settings.defaults(), Layout.SEED)) {
            return new Validator(o).validate(source);
        }
    }
}
