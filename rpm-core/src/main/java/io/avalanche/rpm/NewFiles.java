package io.avalanche.rpm;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Temporary files for outputs that are moved into place when complete. Unlike {@code Files.createTempFile}
 * (always 0600) they get the mode every new file gets, 0666 minus the umask, as files cp or rpmbuild write do.
 */
public final class NewFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private NewFiles() {
    }

    /** A new empty file {@code dir/prefix<random>suffix}, created exclusively. */
    public static Path create(Path dir, String prefix, String suffix) throws IOException {
        for (int i = 0; ; i++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
            try {
                Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }
}
