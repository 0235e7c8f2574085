package io.avalanche.rpm.verify;

import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.format.CheckStatus;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.bouncycastle.bcpg.ArmoredInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Verifies a detached OpenPGP signature (e.g. repodata/repomd.xml.asc) over some bytes with the rules packages
 * are held to: one v4 binary-document signature, RSA, SHA-256 or stronger, by a trusted, valid key.
 */
public final class DetachedSignature {
    private DetachedSignature() {
    }

    /** The check named {@code check} of {@code data} against the armored (or binary) {@code signature}. */
    public static CheckResult verify(String check, byte[] data, byte[] signature, TrustedKeys keys, Instant now) {
        byte[] packet;
        try {
            packet = dearmor(signature);
        } catch (IOException e) {
            return CheckResult.of(check, CheckStatus.BAD, "not an OpenPGP signature (" + e.getMessage() + ")");
        }
        SignaturePacketCheck c = SignaturePacketCheck.start(check, packet, keys, now);
        c.update(data, 0, data.length);
        return c.finish();
    }

    private static byte[] dearmor(byte[] signature) throws IOException {
        if (!new String(signature, StandardCharsets.US_ASCII).contains("-----BEGIN PGP SIGNATURE-----")) {
            return signature;
        }
        try (InputStream in = ArmoredInputStream.builder().build(new ByteArrayInputStream(signature))) {
            return in.readAllBytes();
        }
    }
}
