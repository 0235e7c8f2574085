package io.avalanche.rpm.publish;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.RpmException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Signs with the local gpg and a key already in its keyring (for command-line use without the Java signer):
 * {@code gpg --batch --armor --detach-sign --local-user ID}. GNUPGHOME is taken from the given map if set.
 */
public final class GpgDetachedSigner implements DetachedSigner {
    private final String keyId;
    private final String gnupgHome;

    public GpgDetachedSigner(String keyId, Map<String, String> env) {
        this.keyId = keyId;
        this.gnupgHome = env.get("GNUPGHOME");
    }

    @Override
    public byte[] signDetached(byte[] data) {
        ProcessRunner.Result r;
        try {
            r = ProcessRunner.of("gpg", "--batch", "--yes", "--armor", "--detach-sign", "--local-user", keyId,
                            "--output", "-")
                    .env(gnupgHome == null ? Map.of() : Map.of("GNUPGHOME", gnupgHome))
                    .input(data).errorsApart().timeout(Duration.ofMinutes(2)).run();
        } catch (RpmException e) {
            throw new PublishException("cannot run gpg to sign repomd.xml: " + e.getMessage()
                    + "; install gnupg or pass no signing key", e);
        }
        if (r.exitCode() == -1) {
            throw new PublishException("gpg did not finish signing repomd.xml within 2 minutes");
        }
        if (!r.ok() || !r.output().contains("-----BEGIN PGP SIGNATURE-----")) {
            throw new PublishException("gpg could not sign repomd.xml with key '" + keyId + "' (exit "
                    + r.exitCode() + "): " + r.errors().trim() + "; check the key id and GNUPGHOME");
        }
        return r.output().getBytes(StandardCharsets.US_ASCII);
    }
}
