package io.avalanche.rpm;

import java.nio.file.Path;

/** Null-free file name and directory of a path (Path.getFileName / getParent return null for roots). */
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
}
