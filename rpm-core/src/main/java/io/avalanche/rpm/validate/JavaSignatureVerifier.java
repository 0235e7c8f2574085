package io.avalanche.rpm.validate;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;

import java.nio.file.Path;
import java.util.stream.Collectors;

/** Validation's signature check done in Java: digests and every signature against the trusted key. */
public final class JavaSignatureVerifier implements SignatureVerifier {
    @Override
    public Outcome check(Path rpm, Path publicKey) {
        TrustedKeys keys;
        try {
            keys = TrustedKeys.load(publicKey);
        } catch (RpmException e) {
            return new Outcome(false, "trusted key " + publicKey.getFileName() + " is unusable: " + e.getMessage(), "");
        }
        VerifyReport r = new PackageVerifier(keys).verify(rpm);
        String detail = r.checks().stream().map(CheckResult::describe).collect(Collectors.joining("\n"));
        if (r.ok()) {
            return new Outcome(true, rpm.getFileName() + ": digests and signature OK (Java verifier)", detail);
        }
        return new Outcome(false, rpm.getFileName() + ": " + r.failures().stream().map(CheckResult::describe)
                .collect(Collectors.joining("; ")), detail);
    }
}
