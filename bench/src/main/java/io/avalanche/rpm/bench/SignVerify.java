package io.avalanche.rpm.bench;

import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** In-process signing (key loaded once) of a small and a large package, and in-process verification. */
final class SignVerify {
    private SignVerify() {
    }

    static void sign(Path secretKey, Path small, Path large, int runs) throws IOException {
        SigningKey key;
        try (InputStream in = Files.newInputStream(secretKey)) {
            key = SigningKeys.load(in, null, secretKey.toString());
        }
        RpmSigner signer = new RpmSigner(key.headerSigner());
        for (int i = 0; i < 5; i++) {
            signer.sign(small);
            signer.sign(large);
        }
        long[] s = new long[runs];
        long[] l = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            signer.sign(small);
            s[i] = System.nanoTime() - t;
            t = System.nanoTime();
            signer.sign(large);
            l[i] = System.nanoTime() - t;
        }
        Results.line("inprocess.sign.small", Files.size(small) + " bytes", Stats.median(s));
        Results.line("inprocess.sign.large", Files.size(large) + " bytes", Stats.median(l));
    }

    static void verify(Path publicKey, Path rpm, int runs) {
        PackageVerifier v = new PackageVerifier(TrustedKeys.load(publicKey));
        long[] t = new long[runs];
        for (int i = -2; i < runs; i++) {
            long t0 = System.nanoTime();
            VerifyReport r = v.verify(rpm);
            long d = System.nanoTime() - t0;
            if (!r.ok()) {
                throw new IllegalStateException(rpm + " does not verify: " + r.checks());
            }
            if (i >= 0) {
                t[i] = d;
            }
        }
        Results.line("inprocess.verify", rpm.getFileName().toString(), Stats.median(t));
    }
}
