package io.avalanche.rpm.release;

import io.avalanche.rpm.ExitCleanup;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * An output directory that is never cleared: a run writes into a fresh staging directory inside it and, once its
 * outputs are complete, moves exactly those files in (replacing same-named ones). Closing deletes the staging
 * directory, and the output directory itself when this run created it and left it empty: a failed run leaves
 * the output directory as it was. A run stopped by SIGINT or SIGTERM too ({@link ExitCleanup}).
 */
public final class OutputDir implements AutoCloseable {
    /** The name every staging directory starts with. */
    public static final String STAGING_PREFIX = ".rpm-release-staging-";

    private final Path out;
    private final Path staging;
    private final boolean created;
    private final ExitCleanup.Registration registration;

    private OutputDir(Path out, Path staging, boolean created) {
        this.out = out;
        this.staging = staging;
        this.created = created;
        this.registration = ExitCleanup.directory(staging);
    }

    /**
     * Refuses (exit 2, before any work) an output directory that exists as something else, such as a file; null
     * passes (no output directory).
     */
    public static void check(Path out) {
        checkNotEmpty(out);
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new SpecException("--out " + out + ": is " + (Files.isRegularFile(out) ? "a file" : "not a directory")
                    + "; name the directory to write into (it is created when missing)");
        }
    }

    /** Refuses an empty {@code --out} (an unset variable, say), which would name the working directory. */
    public static void checkNotEmpty(Path out) {
        if (out != null && out.toString().isEmpty()) {
            throw new SpecException("--out is empty: name the directory to write into");
        }
    }

    /** Creates {@code out} if needed and a staging directory {@code out/.rpm-release-staging-*}. */
    public static OutputDir open(Path out) {
        check(out);
        Path o = out.toAbsolutePath().normalize();
        boolean created = !Files.exists(o);
        try {
            Files.createDirectories(o);
            return new OutputDir(o, Files.createTempDirectory(o, STAGING_PREFIX), created);
        } catch (IOException e) {
            throw new RpmException(o + ": cannot create the output directory: " + IoErrors.why(e), e);
        }
    }

    /** Where this run writes; nothing here is visible in the output directory until {@link #commit}. */
    public Path staging() {
        return staging;
    }

    public Path out() {
        return out;
    }

    /**
     * Moves the named staging files into the output directory, replacing files of the same names only; the last name
     * (release.json) last. Refused once the JVM is stopping: an interrupted run moves nothing.
     */
    public void commit(List<String> names) {
        if (ExitCleanup.stopping()) {
            throw new RpmException("interrupted: nothing was moved into " + out);
        }
        for (String n : names) {
            Path from = staging.resolve(n);
            Path to = out.resolve(n);
            try {
                try {
                    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new RpmException("cannot move " + from + " to " + to + ": " + IoErrors.why(e), e);
            }
        }
    }

    /** Deletes the staging directory (and the output directory if this run created it and it is empty). */
    @Override
    public void close() {
        deleteTree(staging);
        if (created) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isEmpty()) {
                    Files.delete(out);
                }
            } catch (IOException ignored) {
                // nothing of ours is left in it
            }
        }
        // unregistered last: a stopping JVM's hook waits for this registration, so the JVM cannot halt between the
        // staging directory's removal and the output directory's (InterruptTest saw --out left behind once)
        registration.close();
    }

    static void deleteTree(Path dir) {
        ExitCleanup.deleteTree(dir);
    }
}
