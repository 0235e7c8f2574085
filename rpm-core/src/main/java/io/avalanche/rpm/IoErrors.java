package io.avalanche.rpm;

import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What an I/O error says to a user: the JDK's file system errors carry only the path when the system gave no reason
 * (a missing directory read "cannot write package: /x/.p.tmp"); here they also say what is wrong with it.
 */
public final class IoErrors {
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
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "the file exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        if (e instanceof ClosedByInterruptException) {
            return "interrupted";
        }
        return e.getClass().getSimpleName();
    }
}
