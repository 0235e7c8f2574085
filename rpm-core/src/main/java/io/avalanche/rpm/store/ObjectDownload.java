package io.avalanche.rpm.store;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.PathNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/** Streams an object into a temp file beside the target while hashing, checks the SHA-256, then moves it. */
final class ObjectDownload {
    private ObjectDownload() {
    }

    /** Opens the object's bytes; may throw StoreException. */
    interface Opener {
        InputStream open() throws IOException;
    }

    /** Returns the SHA-256 hex; {@code expectedHex} null means the store has none to compare with. */
    static String toFile(String name, Path target, String expectedHex, Opener opener) {
        Path dir = PathNames.dir(target);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".download-", ".part");
            MessageDigest md = Digests.sha256();
            try (InputStream in = opener.open(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            String actual = Digests.hex(md.digest());
            if (expectedHex != null && !expectedHex.equals(actual)) {
                throw new StoreException(name + ": downloaded bytes hash to " + actual + " but the store records "
                        + "SHA-256 " + expectedHex + "; the object is corrupt, re-publish it with --force");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return actual;
        } catch (IOException e) {
            throw new StoreException("cannot download " + name + " to " + target + ": " + IoErrors.why(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
