package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.PathNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The writes of {@link FileStore}: a temp file next to the target (a hidden name), filled, forced to disk and renamed
 * over the target atomically; a reader sees the old file or the new one, never a part.
 */
final class AtomicFiles {
    /** Temp files start with this (so listings pass over them) and end with {@link #TEMP_SUFFIX}. */
    static final String TEMP_PREFIX = ".tmp-";
    private static final String TEMP_SUFFIX = ".part";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {
    }

    /** What fills a temp file. */
    private interface Fill {
        void into(Path tmp) throws IOException;
    }

    /** Copies {@code file} to {@code target}, refused when the bytes copied do not hash to {@code sha256} (raw). */
    static void copy(Path file, byte[] sha256, Path target) throws IOException {
        replace(target, tmp -> {
            MessageDigest md = Digests.sha256();
            try (InputStream in = Files.newInputStream(file);
                 OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            if (!Arrays.equals(md.digest(), sha256)) {
                throw new StoreException(file + ": changed while copying to " + target
                        + " (SHA-256 differs from the one computed before); re-run publish");
            }
        });
    }

    /** Writes {@code data} as {@code target}. */
    static void write(byte[] data, Path target) throws IOException {
        replace(target, tmp -> Files.write(tmp, data));
    }

    private static void replace(Path target, Fill fill) throws IOException {
        Path tmp = null;
        try {
            Files.createDirectories(PathNames.dir(target));
            tmp = createTemp(PathNames.dir(target));
            fill.into(tmp);
            moveIntoPlace(tmp, target);
            tmp = null;
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * A new empty temp file next to the target. Unlike Files.createTempFile (always 0600) it gets the mode every
     * new file gets (0666 minus the umask), so a web server over the tree can read what is published.
     */
    private static Path createTemp(Path dir) throws IOException {
        for (int i = 0; ; i++) {
            Path p = dir.resolve(TEMP_PREFIX + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMP_SUFFIX);
            try {
                Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }

    /** Removes the temp files below {@code root}: called under the directory's lock, any found is of a dead run. */
    static void removeDeadTemps(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = PathNames.name(p);
                if (n.startsWith(TEMP_PREFIX) && n.endsWith(TEMP_SUFFIX) && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new StoreException("cannot rename " + tmp + " to " + target
                    + " atomically: the destination must be one file system", e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a leftover temp file is hidden (dot-name) and never listed
            }
        }
    }
}
