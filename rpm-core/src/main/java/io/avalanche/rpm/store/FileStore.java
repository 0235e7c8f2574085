package io.avalanche.rpm.store;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.PathNames;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A local directory laid out like the bucket; every write is a temp file plus an atomic rename ({@link AtomicFiles}),
 * created with the process umask (like any other file). Publishers exclude each other with {@link #lock} (a lock file
 * at the root, {@link DirectoryLock}).
 * Nothing below the root is read, written or removed through a symbolic link: a linked directory (repodata/, an arch
 * directory) or file (the key, the .repo file, the lock file) is refused, naming it.
 */
public final class FileStore implements ObjectStore {
    /** The lock file every publisher of this directory holds while it writes. */
    public static final String LOCK_FILE = ".rpm-release.lock";
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

    /** The path of a key, refused when it or a directory above it, below the root, is a symbolic link. */
    private Path checked(String key) {
        Path p = path(key);
        Path at = root;
        for (Path part : root.relativize(p)) {
            at = at.resolve(part);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return p;   // what is below does not exist yet
            } catch (IOException e) {
                throw new UncheckedIOException(at + ": cannot stat: " + IoErrors.why(e), e);
            }
            if (a.isSymbolicLink()) {
                String target;
                try {
                    target = Files.readSymbolicLink(at).toString();
                } catch (IOException e) {
                    target = "?";
                }
                throw new StoreException(at + " is a symbolic link (to " + target + "): nothing in a file: destination "
                        + "is read or written through a link, which could point anywhere on this machine; replace it "
                        + "with the " + (at.equals(p) && !key.endsWith("/") ? "file" : "directory") + " itself");
            }
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
        // not Path.toUri: it leaves '$' (a dnf variable in avalanchego.repo) and other sub-delimiters as they are
        return "file://" + Destinations.urlPath(path(key).toString()) + (key.endsWith("/") ? "/" : "");
    }

    @Override
    public Optional<StoredObject> head(String key) {
        Path p = checked(key);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            String sha = Digests.hex(Digests.sha256(p));
            return Optional.of(new StoredObject(key, Files.size(p), sha, Files.getLastModifiedTime(p).toInstant(),
                    sha));
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot stat: " + IoErrors.why(e), e);
        }
    }

    @Override
    public String put(String key, Path file, byte[] sha256) {
        Path target = checked(key);
        try {
            AtomicFiles.copy(file, sha256, target);
            return verify(key, sha256, Files.size(target));
        } catch (IOException e) {
            throw new StoreException("cannot write " + target + ": " + IoErrors.why(e), e);
        }
    }

    @Override
    public String put(String key, byte[] data, String contentType) {
        Path target = checked(key);
        try {
            AtomicFiles.write(data, target);
            return verify(key, Digests.sha256(data), data.length);
        } catch (IOException e) {
            throw new StoreException("cannot write " + target + ": " + IoErrors.why(e), e);
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
        return DirectoryLock.take(root, () -> checked(LOCK_FILE), wait);
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path p = checked(key);
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(in.readAllBytes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    @Override
    public String download(String key, Path target) {
        Path source = checked(key);
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException(source + " not found: publish the release first");
        }
        return ObjectDownload.toFile(source.toString(), target, null,
                () -> Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS));
    }

    @Override
    public byte[] getRange(String key, long start, long endInclusive) {
        Path p = checked(key);
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long end = Math.min(endInclusive, ch.size() - 1);
            ByteBuffer b = ByteBuffer.allocate((int) Math.max(0, end - start + 1));
            ch.position(start);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            return Arrays.copyOf(b.array(), b.position());
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        Path dir = prefix.isEmpty() ? root : checked(prefix);
        List<StoredObject> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        // a walk that tolerates entries vanishing under it: a concurrent upload renames its temp file into place
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a) {
                    if (a.isRegularFile() && !PathNames.name(p).startsWith(AtomicFiles.TEMP_PREFIX)
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
            throw new UncheckedIOException(dir + ": cannot list: " + IoErrors.why(e), e);
        }
        out.sort(java.util.Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(checked(key));
        } catch (IOException e) {
            throw new UncheckedIOException(path(key) + ": cannot delete: " + IoErrors.why(e), e);
        }
    }

    @Override
    public String verify(String key, byte[] sha256, long size) {
        Path p = checked(key);
        byte[] actual = Digests.sha256(p);
        if (!Arrays.equals(actual, sha256)) {
            throw new StoreException(p + ": SHA-256 mismatch after writing (expected " + Digests.hex(sha256)
                    + ", found " + Digests.hex(actual) + "); the file was removed? re-run publish");
        }
        return "sha256 re-read";
    }
}