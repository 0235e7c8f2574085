package io.avalanche.rpm;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a run undoes when the JVM is stopped early (SIGINT or SIGTERM run the shutdown hooks): the threads that own
 * scratch directories (the runs) are stopped — the processes they started are ended, they are interrupted so their own
 * cleanup runs, and they start no process any more — and whatever is still registered after {@link #UNWIND} is deleted.
 * Other threads (e.g. other shutdown hooks removing a container) are left alone. A run that ends normally deletes and
 * unregisters its own; the hook then has nothing to do.
 */
public final class ExitCleanup {
    /** How long the hook waits for interrupted owners to delete their directories themselves. */
    static final Duration UNWIND = Duration.ofSeconds(5);
    private static final Map<Path, Thread> DIRECTORIES = new ConcurrentHashMap<>();
    private static final Map<Process, Thread> PROCESSES = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    private static volatile Set<Thread> stopped = Set.of();

    private ExitCleanup() {
    }

    /** A registration; closing it unregisters (its owner removed what it registered, or the process ended). */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Registers a scratch directory of the calling thread: deleted (without following links) if the JVM stops. */
    public static Registration directory(Path dir) {
        hook();
        Path d = dir.toAbsolutePath().normalize();
        DIRECTORIES.put(d, Thread.currentThread());
        return () -> DIRECTORIES.remove(d);
    }

    /**
     * Registers a process the calling thread started: when the JVM stops while it runs and the thread owns a scratch
     * directory, it and its descendants are ended.
     */
    public static Registration process(Process p) {
        hook();
        PROCESSES.put(p, Thread.currentThread());
        return () -> PROCESSES.remove(p);
    }

    /**
     * True once the JVM began to stop, for a thread whose run is stopped (it owned a scratch directory then): it must
     * not start processes or move files into place any more.
     */
    public static boolean stopping() {
        return stopped.contains(Thread.currentThread());
    }

    /** Throws when {@link #stopping()}: what a run checks before its next stage ({@code next} names it). */
    public static void checkRunning(String next) {
        if (stopping()) {
            throw new RpmException("interrupted: stopping before " + next);
        }
    }

    private static void hook() {
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitCleanup::stop, "rpm-release-exit-cleanup"));
        }
    }

    private static void stop() {
        Set<Thread> owners = new HashSet<>(DIRECTORIES.values());
        stopped = Set.copyOf(owners);
        end(false);
        owners.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + UNWIND.toNanos();
        while (!DIRECTORIES.isEmpty() && System.nanoTime() < deadline) {
            pause(20);
        }
        end(true);
        // an owner that did not unwind in time: its directories go now, twice in case it was still writing
        for (int round = 0; round < 2 && !DIRECTORIES.isEmpty(); round++) {
            DIRECTORIES.keySet().forEach(ExitCleanup::deleteTree);
            pause(100);
        }
    }

    /** Ends the processes of stopped runs, their descendants first (a build script's compiler, a container client). */
    private static void end(boolean forcibly) {
        for (Map.Entry<Process, Thread> e : PROCESSES.entrySet()) {
            if (!stopped.contains(e.getValue())) {
                continue;
            }
            Process p = e.getKey();
            if (forcibly) {
                ProcessRunner.kill(p);   // and wait until they have ended
                continue;
            }
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes a tree without following symbolic links out of it nor entering another file system mounted in it
     * (read-only directories are made writable first); what cannot be deleted stays.
     */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Object device = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    dir.toFile().setWritable(true);   // an installed rpm root has read-only directories
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: what is left is named in the caller's message
        }
    }
}
