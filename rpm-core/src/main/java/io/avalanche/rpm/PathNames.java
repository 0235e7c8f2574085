package io.avalanche.rpm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Null-free file name and directory of a path (Path.getFileName / getParent return null for roots), and why a path
 * given as a file is not one.
 */
public final class PathNames {
    private PathNames() {
    }

    /** The last name element as text; "" for a path without one (a root such as "/"). */
    public static String name(Path p) {
        Path n = p.getFileName();
        return n == null ? "" : n.toString();
    }

    /** The directory that holds {@code p}: the parent of its absolute form (a root holds itself). */
    public static Path dir(Path p) {
        Path absolute = p.toAbsolutePath();
        Path parent = absolute.getParent();
        return parent == null ? absolute : parent;
    }

    /**
     * Why {@code p} (links followed) cannot be read as a regular file: "no such file", "is a directory", "is not a
     * regular file (a FIFO, device or socket)" or "is not readable"; null when it can.
     */
    public static String notAFile(Path p) {
        if (Files.isRegularFile(p)) {
            return Files.isReadable(p) ? null : "is not readable";
        }
        if (Files.isDirectory(p)) {
            return "is a directory";
        }
        return Files.exists(p) ? "is not a regular file (a FIFO, device or socket)" : "no such file";
    }

    /** Refuses (exit 2) {@code p} unless it can be read as a regular file: "{@code what}: {@link #notAFile why}". */
    public static void requireFile(String what, Path p) {
        String why = notAFile(p);
        if (why != null) {
            throw new SpecException(what + ": " + why);
        }
    }

    /** Refuses (exit 2) a package path that cannot be read as a regular file: "{@code p}: why (a package file ...)". */
    public static void requirePackageFile(Path p) {
        String why = notAFile(p);
        if (why != null) {
            throw new SpecException(p + ": " + why + " (a package file is expected)");
        }
    }
}
