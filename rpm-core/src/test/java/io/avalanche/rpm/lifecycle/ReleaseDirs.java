package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.release.AvalanchegoPreset;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.validate.TestBinaries;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Release directories as release leaves them (avalanchego + subnet-evm signed as written, the key file, release.json)
 * for any tag and RPM Release, from one pair of compiled stand-in binaries: fast enough for a history of releases.
 */
final class ReleaseDirs {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";
    private final Path work;
    private final Path node;
    private final Path plugin;

    ReleaseDirs(Path work) {
        this.work = work;
        Path bins = work.resolve("bin");
        node = TestBinaries.compile(bins, "avalanchego", COMMIT, TestBinaries.Kind.X86_64);
        plugin = TestBinaries.compile(bins, "subnet-evm", COMMIT, TestBinaries.Kind.X86_64);
    }

    /** One armored block holding the public keys of every key (a rotation publishes the old and the new one). */
    static byte[] keyFile(SigningKey... keys) {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        Arrays.stream(keys).forEach(k -> rings.add(k.publicKeyRing()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream a = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            new PGPPublicKeyRingCollection(rings).encode(a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The x86_64 release directory of {@code tag} as RPM Release {@code release}, signed by {@code key}. */
    Path make(String tag, String release, SigningKey key, byte[] keyFile) {
        return make(tag, release, key, keyFile, Arch.X86_64);
    }

    Path make(String tag, String release, SigningKey key, byte[] keyFile, Arch arch) {
        ReleaseTag t = ReleaseTag.parse(tag).withRelease(release);
        try {
            Path dir = Files.createDirectories(work.resolve("rel-" + tag + "-" + release + "-" + arch.rpm()
                    + "-" + System.nanoTime()));
            Compression gzip = Compression.parse("gzip");
            List<ReleaseManifest.Artifact> files = new ArrayList<>();
            for (PackageSpec spec : List.of(AvalanchegoPreset.avalanchego(t, arch, node, 1_700_000_000L, gzip),
                    AvalanchegoPreset.subnetEvm(t, arch, plugin, VM_ID, 1_700_000_000L, gzip))) {
                String name = t.fileName(spec.name(), arch);
                Path rpm = RpmWriter.write(spec, dir, name, n -> { },
                        RpmWriter.SignatureFiller.signingWith(key.headerSigner()));
                files.add(new ReleaseManifest.Artifact(name, spec.name(), Files.size(rpm),
                        Digests.hex(Digests.sha256(rpm))));
            }
            Path k = Files.write(dir.resolve(ReleaseManifest.KEY_FILE), keyFile);
            files.add(new ReleaseManifest.Artifact(ReleaseManifest.KEY_FILE, null, Files.size(k),
                    Digests.hex(Digests.sha256(k))));
            new ReleaseManifest(t.tag(), t.version(), t.release(), COMMIT, 1_700_000_000L, arch.rpm(), VM_ID, files)
                    .write(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
