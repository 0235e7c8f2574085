package io.avalanche.rpm.bench;

import io.avalanche.rpm.build.Compression;
import io.avalanche.rpm.build.FileEntry;
import io.avalanche.rpm.build.PackageSpec;
import io.avalanche.rpm.build.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a one-process "package and sign" would cost: the writer, then the signer, in one fresh JVM (run as a
 * whole process by bench/run.sh with the launcher's JVM options). Not a CLI command.
 */
final class PackageAndSign {
    private PackageAndSign() {
    }

    static void run(Path input, int level, int workers, Path secretKey, Path outDir) throws IOException {
        PackageSpec spec = PackageSpec.builder().name("benchpkg").version("1.0").arch(Arch.X86_64)
                .compression(new Compression(Compression.Algorithm.ZSTD, level, workers))
                .file(new FileEntry(input, "/opt/bench/payload.bin", 0644)).build();
        Path rpm = RpmWriter.write(spec, outDir, "benchpkg-1.0-1.x86_64.rpm");
        SigningKey key;
        try (InputStream in = Files.newInputStream(secretKey)) {
            key = SigningKeys.load(in, null, secretKey.toString());
        }
        new RpmSigner(key.headerSigner()).sign(rpm);
    }
}
