package io.avalanche.rpm.release;

import io.avalanche.rpm.IoErrors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;

/**
 * A build output (e.g. {@code build/avalanchego}) taken from the source tree without following a symbolic link: each
 * directory from the tree root down is opened relative to the one above it, never through a link (openat with
 * O_NOFOLLOW), and the output must be a regular file. Its bytes are copied once, from the descriptor opened that way,
 * into a private file; the ELF check and the package read that copy, so what is packaged is what was checked, whatever
 * changes in the tree afterwards. Any symbolic link is refused, one to another file of the tree too: the build scripts
 * write regular files, and a link is how a hostile tree would point the packager at a file of the host.
 */
final class BuildOutput {
    private static final int BUFFER = 1 << 20;

    private BuildOutput() {
    }

    /** Copies {@code root/relative} into {@code into} (a private directory) under its file name; returns the copy. */
    static Path capture(Path root, String relative, Path into) {
        Path shown = root.resolve(relative);
        String name = io.avalanche.rpm.PathNames.name(shown);
        Path copy = into.resolve(name);
        try (SecureDirectoryStream<Path> dir = parentOf(root, relative)) {
            if (dir == null) {
                throw new BuildException("the build did not produce " + shown);
            }
            BasicFileAttributes before = regularFile(dir, name, shown);
            long copied;
            long size;
            try (SeekableByteChannel in = dir.newByteChannel(Path.of(name),
                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                 FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                size = in.size();   // fstat of the descriptor just opened
                copied = copy(in, out);
                out.force(false);
            }
            BasicFileAttributes after = regularFile(dir, name, shown);
            if (copied != size || copied != before.size() || !Objects.equals(before.fileKey(), after.fileKey())
                    || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
                throw new BuildException(shown + " changed while it was read (" + before.size() + " bytes, then "
                        + copied + " read): is a process of the build still running? Nothing was packaged.");
            }
            return copy;
        } catch (NoSuchFileException e) {
            throw new BuildException("the build did not produce " + shown, e);
        } catch (FileSystemException e) {
            throw new BuildException(shown + ": cannot read the build output: " + reason(e), e);
        } catch (IOException e) {
            throw new BuildException(shown + ": cannot read the build output: " + IoErrors.why(e), e);
        }
    }

    /** Checks {@code root/relative} is a regular file reached without a link (BuildException naming it otherwise). */
    static void requireRegular(Path root, String relative, String producedBy) {
        Path shown = root.resolve(relative);
        try (SecureDirectoryStream<Path> dir = parentOf(root, relative)) {
            if (dir == null) {
                throw new BuildException(producedBy + " succeeded but did not produce " + shown);
            }
            regularFile(dir, io.avalanche.rpm.PathNames.name(shown), shown);
        } catch (NoSuchFileException e) {
            throw new BuildException(producedBy + " succeeded but did not produce " + shown, e);
        } catch (IOException e) {
            throw new BuildException(shown + ": cannot read the build output: " + IoErrors.why(e), e);
        }
    }

    /** Removes a previous {@code root/relative} before a build, never through a link (an absent one is fine). */
    static void remove(Path root, String relative) {
        Path shown = root.resolve(relative);
        try (SecureDirectoryStream<Path> dir = parentOf(root, relative)) {
            if (dir == null) {
                return;
            }
            String name = io.avalanche.rpm.PathNames.name(shown);
            BasicFileAttributes a = attributes(dir, name);
            if (a == null) {
                return;
            }
            if (a.isDirectory()) {
                throw new BuildException(shown + " is a directory: the build writes a file there; remove it");
            }
            dir.deleteFile(Path.of(name));   // unlinkat: a link itself goes, never what it points to
        } catch (IOException e) {
            throw new BuildException("cannot remove the previous " + shown + ": " + IoErrors.why(e), e);
        }
    }

    /**
     * The directory holding {@code relative}, opened from {@code root} one component at a time without following a
     * link; null when a component does not exist.
     */
    private static SecureDirectoryStream<Path> parentOf(Path root, String relative) throws IOException {
        DirectoryStream<Path> top = Files.newDirectoryStream(root);
        if (!(top instanceof SecureDirectoryStream<Path> dir)) {
            top.close();
            throw new BuildException("cannot read build outputs safely here: this platform cannot open a file "
                    + "relative to a directory (openat)");
        }
        String[] parts = relative.split("/");
        String at = "";
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                at = at.isEmpty() ? parts[i] : at + "/" + parts[i];
                BasicFileAttributes a = attributes(dir, parts[i]);
                if (a == null) {
                    dir.close();
                    return null;
                }
                if (a.isSymbolicLink()) {
                    throw link(root, at, "directory");
                }
                if (!a.isDirectory()) {
                    throw new BuildException(root.resolve(at) + " is not a directory: the build writes "
                            + root.resolve(relative) + " inside it");
                }
                SecureDirectoryStream<Path> next;
                try {
                    next = dir.newDirectoryStream(Path.of(parts[i]), LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException e) {
                    throw link(root, at, "directory");   // it became a link after it was looked at
                }
                dir.close();
                dir = next;
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /** The attributes of {@code name} in {@code dir}, not following a link; null when absent. */
    private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, String name) throws IOException {
        try {
            return dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static BasicFileAttributes regularFile(SecureDirectoryStream<Path> dir, String name, Path shown)
            throws IOException {
        BasicFileAttributes a = attributes(dir, name);
        if (a == null) {
            throw new NoSuchFileException(shown.toString());
        }
        if (a.isSymbolicLink()) {
            throw link(java.util.Objects.requireNonNullElse(shown.getParent(), shown), name, "file");
        }
        if (!a.isRegularFile()) {
            throw new BuildException(shown + " is not a regular file (" + (a.isDirectory() ? "a directory"
                    : "a device, FIFO or socket") + "): a build output must be a regular file");
        }
        return a;
    }

    private static BuildException link(Path root, String relative, String what) {
        Path p = root.resolve(relative);
        String target;
        try {
            target = Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            target = "?";
        }
        return new BuildException(p + " is a symbolic link (to " + target + "): a build output and the directories "
                + "above it must be a regular " + what + " inside the source tree; refusing to package what a link "
                + "points to. Make the build write the " + what + " itself.");
    }

    private static long copy(SeekableByteChannel in, FileChannel out) throws IOException {
        long total = 0;
        if (in instanceof FileChannel f) {
            long n;
            while ((n = f.transferTo(total, Long.MAX_VALUE - total, out)) > 0) {
                total += n;
            }
            return total;
        }
        ByteBuffer b = ByteBuffer.allocate(BUFFER);
        while (in.read(b) >= 0) {
            b.flip();
            while (b.hasRemaining()) {
                total += out.write(b);
            }
            b.clear();
        }
        return total;
    }

    private static String reason(FileSystemException e) {
        return e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
    }
}
