package io.avalanche.rpm.sign;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.format.CheckStatus;
import io.avalanche.rpm.format.CraftedHeaders;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.PackageDescription;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.verify.VerifyReport;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.yum.PackageMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 item 13: every tag the code reads, with another tag's type, a count of 0 or a count too large (or too
 * small), gives a typed error or a BAD verdict in every reader (verify, inspect, sign, publish's metadata, the
 * Jenkins signing path), never a ClassCastException or ArrayIndexOutOfBoundsException.
 */
class CraftedHeaderTest {
    @TempDir
    static Path dir;
    static Path base;
    static Path key;
    static SigningKey signer;
    static List<CraftedHeaders.Case> corpus;

    @BeforeAll
    static void setUp() throws Exception {
        signer = SigningKeys.ephemeral(2048, Clock.systemUTC());
        Path src = dir.resolve("base");
        Path bin = TestPackages.content(src.resolve("src"), "avalanchego", 3000, 42);
        Path readme = TestPackages.content(src.resolve("src"), "README", 100, 43);
        base = io.avalanche.rpm.write.RpmWriter.write(TestPackages.spec(bin, Compression.parse("gzip"))
                .file(new io.avalanche.rpm.write.FileEntry(readme, "/var/opt/avalanchego/README", 0644)).build(),
                src, "avalanchego-v1.14.1-x86_64.rpm");
        new RpmSigner(signer.headerSigner()).sign(base);
        key = signer.exportPublicKey(dir.resolve("KEY"));
        corpus = CraftedHeaders.corpus(base, dir.resolve("corpus"));
    }

    @Test
    void corpusCoversEveryNamedTagAndEveryKind() {
        assertThat(corpus).hasSizeGreaterThan(400);
        assertThat(corpus.stream().map(CraftedHeaders.Case::kind).distinct()).hasSize(5);
        assertThat(new PackageVerifier(TrustedKeys.load(key)).verify(base).ok()).isTrue();
    }

    @Test
    void verifyGivesAVerdictForEveryCraftedPackage() throws Exception {
        PackageVerifier v = new PackageVerifier(TrustedKeys.load(key));
        Path db = RpmFixtures.dbWithKey(dir, key);
        List<String> problems = new ArrayList<>();
        int structureBad = 0;
        for (CraftedHeaders.Case c : corpus) {
            VerifyReport r;
            try {
                r = v.verify(c.file());
            } catch (RuntimeException e) {
                problems.add(c.name() + ": verify threw " + e);
                continue;
            }
            structureBad += r.checks().stream().anyMatch(k -> k.check().equals("structure")
                    && k.status() == CheckStatus.BAD) ? 1 : 0;
            if (r.ok() && RpmFixtures.enforce(db, c.file()).exit() != 0) {
                problems.add(c.name() + ": verified OK, rpmkeys --checksig refuses it");
            } else if (c.structural() && r.checks().stream().noneMatch(k -> k.check().equals("structure")
                    && k.status() == CheckStatus.BAD)) {
                problems.add(c.name() + ": no structure: BAD in " + r.failures().stream().map(CheckResult::describe)
                        .toList());
            }
        }
        assertThat(problems).isEmpty();
        assertThat(structureBad).isGreaterThan(corpus.size() * 3 / 4);
    }

    /** A count one too large that our reader accepts (an empty string or a padding byte more) rpm reads too. */
    @Test
    void countsOneTooLargeThatWeReadRpmReadsToo() {
        List<String> weaker = new ArrayList<>();
        int refused = 0;
        for (CraftedHeaders.Case c : corpus) {
            if (c.kind() != CraftedHeaders.Kind.COUNT_PLUS_ONE) {
                continue;
            }
            try {
                RpmReader.read(c.file());
            } catch (RpmException e) {
                refused++;
                continue;
            }
            Proc.Result q = Proc.run(List.of("rpm", "-qp", "--nosignature", "--nodigest", "--qf", "%{NAME}\\n",
                    c.file().toString()));
            if (q.exit() != 0 || q.err().contains("error")) {
                weaker.add(c.name() + ": rpm -qp says " + q.all().strip());
            }
        }
        assertThat(weaker).isEmpty();
        assertThat(refused).isGreaterThan(40);
    }

    @Test
    void everyReaderGivesATypedErrorOrAResult() throws Exception {
        List<String> untyped = new ArrayList<>();
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        for (CraftedHeaders.Case c : corpus) {
            typed(untyped, c, "inspect", () -> PackageDescription.read(c.file()));
            typed(untyped, c, "metadata", () -> {
                RpmPackage p = RpmReader.read(c.file());
                return PackageMetadata.from(p, "00", 0, c.file().getFileName().toString());
            });
            typed(untyped, c, "headerToSign", () -> RpmSigner.headerToSign(c.file()));
            Path copy = Files.copy(c.file(), scratch.resolve(c.file().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            typed(untyped, c, "sign", () -> new RpmSigner(signer.headerSigner()).sign(copy));
            if (!c.signatureHeader()) {
                typed(untyped, c, "MainHeaders", () -> {
                    RpmPackage p = RpmReader.read(base);
                    byte[] all = Files.readAllBytes(c.file());
                    int sigLen = java.nio.ByteBuffer.wrap(all).getInt(96 + 8) * 16 + 16
                            + java.nio.ByteBuffer.wrap(all).getInt(96 + 12);
                    int main = 96 + sigLen + io.avalanche.rpm.format.HeaderCodec.padding8(sigLen);
                    int mainLen = (int) (all.length - main - (p.fileSize() - p.payloadOffset()));
                    return MainHeaders.require(java.util.Arrays.copyOfRange(all, main, main + mainLen), c.name());
                });
            }
        }
        assertThat(untyped).isEmpty();
    }

    private static void typed(List<String> untyped, CraftedHeaders.Case c, String what, ThrowingSupplier body) {
        try {
            body.get();
            if (c.structural()) {
                untyped.add(c.name() + ": " + what + " accepted a structurally broken package");
            }
        } catch (RpmException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                untyped.add(c.name() + ": " + what + " gave an empty message");
            }
        } catch (Exception | Error e) {
            untyped.add(c.name() + ": " + what + " threw " + e);
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier {
        Object get() throws Exception;
    }
}
