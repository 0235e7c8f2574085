package io.avalanche.rpm.store;

import io.avalanche.rpm.IoErrors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The lock of a {@link FileStore} directory: one holder per directory in this process (a semaphore), one across
 * processes (FileChannel.lock on the lock file: released by the OS when a process dies).
 */
final class DirectoryLock {
    private static final ConcurrentHashMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private DirectoryLock() {
    }

    /**
     * Takes the lock of {@code root} on {@code lockFile} (resolved once this process's holder is gone), waiting at
     * most {@code wait}; then removes the temp files of runs that died mid-write (every writer holds this lock, so any
     * temp file found now is dead).
     */
    static ObjectStore.Lock take(Path root, Supplier<Path> lockFile, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Semaphore local = IN_PROCESS.computeIfAbsent(root, r -> new Semaphore(1));
        try {
            if (!local.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(root, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the lock of " + root, e);
        }
        FileChannel ch = null;
        try {
            Files.createDirectories(root);
            ch = FileChannel.open(lockFile.get(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileLock held;
            while ((held = ch.tryLock()) == null) {
                if (System.nanoTime() > deadline) {
                    throw busy(root, wait);
                }
                Thread.sleep(100);
            }
            AtomicFiles.removeDeadTemps(root);
            FileChannel open = ch;
            FileLock fl = held;
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
            throw new StoreException("cannot lock " + root.resolve(FileStore.LOCK_FILE) + ": " + IoErrors.why(e), e);
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

    private static StoreException busy(Path root, Duration wait) {
        return new StoreException("another publish into " + root + " holds " + root.resolve(FileStore.LOCK_FILE)
                + " and did not finish within " + wait.toSeconds() + "s (--timeout); re-run publish when it is done");
    }
}
