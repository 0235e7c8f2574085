package io.avalanche.rpm.validate;

import java.nio.file.Path;

/** Verifies one package's digests and OpenPGP signatures against the trusted key (see TrustAnchor). */
@FunctionalInterface
public interface SignatureVerifier {
    /** Outcome of a signature check: ok, a one-line message, and detail (tool output) for the report. */
    record Outcome(boolean ok, String message, String detail) {
    }

    Outcome check(Path rpm, Path publicKey);
}
