package io.avalanche.rpm;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Outputs written whole or not at all, through temporary files moved into place when complete. Unlike {@code Files.createTempFile}
 * (always 0600) they get the mode every new file gets, 0666 minus the umask, as files cp or rpmbuild write do.
 */
public final class NewFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private NewFiles() {
    }

    /** Fills a new file, given its path, before it is moved into place. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path tmp) throws IOException;
    }

    /**
     * Writes {@code target} whole or not at all: {@code filler} fills a new hidden file beside it
     * ({@code .<name>.<random>.tmp}, the umask's mode), which is then moved over the target (atomically where the
     * file system can). On any failure the target is as it was and the temporary file is gone.
     */
    public static Path replace(Path target, Filler filler) throws IOException {
        Path tmp = create(PathNames.dir(target), "." + PathNames.name(target) + ".", ".tmp");
        try {
            filler.fill(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return target;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the file is hidden and named after the target
                }
            }
        }
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
