package io.avalanche.rpm;

import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/**
 * What an I/O error says to a user: the JDK's file system errors carry only the path when the system gave no reason
 * (a missing directory read "cannot write package: /x/.p.tmp"); here they also say what is wrong with it.
 */
public final class IoErrors {
    /** What the system said, by the JDK's exception (disjoint types: their order does not matter). */
    private static final Map<Class<? extends Throwable>, String> KINDS = Map.of(
            NoSuchFileException.class, "no such file or directory",
            AccessDeniedException.class, "permission denied",
            FileAlreadyExistsException.class, "the file exists",
            NotDirectoryException.class, "not a directory",
            DirectoryNotEmptyException.class, "the directory is not empty",
            ClosedByInterruptException.class, "interrupted");

    private IoErrors() {
    }

    /** {@code e}'s file and reason ("/x/.p.tmp: no such file or directory"), message, or kind when it has neither. */
    public static String why(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() == null && f.getFile() != null) {
            return f.getMessage() + ": " + kind(f);
        }
        String m = e.getMessage();
        return m != null ? m : kind(e);
    }

    private static String kind(Throwable e) {
        for (Map.Entry<Class<? extends Throwable>, String> k : KINDS.entrySet()) {
            if (k.getKey().isInstance(e)) {
                return k.getValue();
            }
        }
        return e.getClass().getSimpleName();
    }
}
