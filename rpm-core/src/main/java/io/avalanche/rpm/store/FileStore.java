package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.PathNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A local directory laid out like the bucket; every write is a temp file plus an atomic rename, created with the
 * process umask (like any other file). Publishers exclude each other with {@link #lock} (a lock file at the root).
 */
public final class FileStore implements ObjectStore {
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String TEMP_SUFFIX = ".part";
    /** The lock file every publisher of this directory holds while it writes. */
    public static final String LOCK_FILE = ".rpm-release.lock";
    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.Semaphore> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Path root;

    public FileStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    private Path path(String key) {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        if (!k.isEmpty()) {
            try {
                Destinations.checkKey(root.toString(), k);
            } catch (io.avalanche.rpm.SpecException e) {
                throw new StoreException(e.getMessage(), e);
            }
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || key.isEmpty()) {
            throw new StoreException("object key '" + key + "' escapes the destination " + root);
        }
        return p;
    }

    @Override
    public String describe(String key) {
        return path(key).toString();
    }

    @Override
    public String url() {
        return "file:" + root;
    }

    @Override
    public String publicUrl(String key) {
        return path(key).toUri().toString();
    }

    @Override
    public Optional<StoredObject> head(String key) {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredObject(key, Files.size(p), Digests.hex(Digests.sha256(p)),
                    Files.getLastModifiedTime(p).toInstant()));
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + e.getMessage(), e);
        }
    }

    @Override
    public String put(String key, Path file, byte[] sha256) {
        Path target = path(key);
        Path tmp = null;
        try {
            Files.createDirectories(PathNames.dir(target));
            tmp = createTemp(PathNames.dir(target));
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
            moveIntoPlace(tmp, target);
            tmp = null;
            return verify(key, sha256, Files.size(target));
        } catch (IOException e) {
            throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public String put(String key, byte[] data, String contentType) {
        Path target = path(key);
        Path tmp = null;
        try {
            Files.createDirectories(PathNames.dir(target));
            tmp = createTemp(PathNames.dir(target));
            Files.write(tmp, data);
            moveIntoPlace(tmp, target);
            tmp = null;
            return verify(key, Digests.sha256(data), data.length);
        } catch (IOException e) {
            throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * A new empty temp file next to the target. Unlike Files.createTempFile (always 0600) it gets the mode every
     * new file gets (0666 minus the umask), so a web server over the tree can read what is published.
     */
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

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

    @Override
    public boolean exclusive() {
        return true;
    }

    /**
     * Takes the directory's lock ({@value #LOCK_FILE}, FileChannel.lock: released by the OS when a process dies),
     * waiting at most {@code wait}; then removes the temp files of runs that died mid-write (every writer holds
     * this lock, so any temp file found now is dead).
     */
    @Override
    public Lock lock(java.time.Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        java.util.concurrent.Semaphore local = IN_PROCESS.computeIfAbsent(root, r -> new java.util.concurrent.Semaphore(1));
        try {
            if (!local.tryAcquire(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                throw busy(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the lock of " + root, e);
        }
        java.nio.channels.FileChannel ch = null;
        try {
            Files.createDirectories(root);
            ch = java.nio.channels.FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            java.nio.channels.FileLock held;
            while ((held = ch.tryLock()) == null) {
                if (System.nanoTime() > deadline) {
                    throw busy(wait);
                }
                Thread.sleep(100);
            }
            removeDeadTemps();
            java.nio.channels.FileChannel open = ch;
            java.nio.channels.FileLock fl = held;
            ch = null;
            return () -> {
                try {
                    fl.release();
                    open.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock in any case
                } finally {
                    local.release();
                }
            };
        } catch (IOException e) {
            local.release();
            throw new StoreException("cannot lock " + root.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            local.release();
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the lock of " + root, e);
        } catch (RuntimeException e) {
            local.release();
            throw e;
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing held
                }
            }
        }
    }

    private StoreException busy(java.time.Duration wait) {
        return new StoreException("another publish into " + root + " holds " + root.resolve(LOCK_FILE) + " and did "
                + "not finish within " + wait.toSeconds() + "s (--timeout); re-run publish when it is done");
    }

    private void removeDeadTemps() throws IOException {
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

    @Override
    public Optional<byte[]> get(String key) {
        Path p = path(key);
        try {
            return Optional.of(Files.readAllBytes(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public String download(String key, Path target) {
        Path source = path(key);
        if (!Files.isRegularFile(source)) {
            throw new StoreException(source + " not found: publish the release first");
        }
        return ObjectDownload.toFile(source.toString(), target, null, () -> Files.newInputStream(source));
    }

    @Override
    public byte[] getRange(String key, long start, long endInclusive) {
        Path p = path(key);
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ)) {
            long end = Math.min(endInclusive, ch.size() - 1);
            ByteBuffer b = ByteBuffer.allocate((int) Math.max(0, end - start + 1));
            ch.position(start);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            return Arrays.copyOf(b.array(), b.position());
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        Path dir = prefix.isEmpty() ? root : path(prefix);
        List<StoredObject> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        // a walk that tolerates entries vanishing under it: a concurrent upload renames its temp file into place
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a) {
                    if (a.isRegularFile() && !PathNames.name(p).startsWith(TEMP_PREFIX)
                            && !p.equals(root.resolve(LOCK_FILE))) {
                        String key = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                        out.add(new StoredObject(key, a.size(), null, a.lastModifiedTime().toInstant()));
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof java.nio.file.NoSuchFileException) {
                        return java.nio.file.FileVisitResult.CONTINUE;   // gone since the directory was read
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException(path(key) + ": cannot delete: " + e.getMessage(), e);
        }
    }

    @Override
    public String verify(String key, byte[] sha256, long size) {
        Path p = path(key);
        byte[] actual = Digests.sha256(p);
        if (!Arrays.equals(actual, sha256)) {
            throw new StoreException(p + ": SHA-256 mismatch after writing (expected " + Digests.hex(sha256)
                    + ", found " + Digests.hex(actual) + "); the file was removed? re-run publish");
        }
        return "sha256 re-read";
    }
}
