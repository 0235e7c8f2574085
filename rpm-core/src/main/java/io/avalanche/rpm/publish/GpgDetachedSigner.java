package io.avalanche.rpm.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb = new ProcessBuilder(List.of("gpg", "--batch", "--yes", "--armor", "--detach-sign",
                "--local-user", keyId, "--output", "-"));
        if (gnupgHome != null) {
            pb.environment().put("GNUPGHOME", gnupgHome);
        }
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(data);
            }
            byte[] sig = readAll(p.getInputStream());
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new PublishException("gpg did not finish signing repomd.xml within 2 minutes");
            }
            String s = new String(sig, StandardCharsets.US_ASCII);
            if (p.exitValue() != 0 || !s.contains("-----BEGIN PGP SIGNATURE-----")) {
                throw new PublishException("gpg could not sign repomd.xml with key '" + keyId + "' (exit "
                        + p.exitValue() + "): " + new String(err.join(), StandardCharsets.UTF_8).trim()
                        + "; check the key id and GNUPGHOME");
            }
            return sig;
        } catch (IOException e) {
            throw new PublishException("cannot run gpg to sign repomd.xml: " + e.getMessage()
                    + "; install gnupg or pass no signing key", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while signing repomd.xml", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
