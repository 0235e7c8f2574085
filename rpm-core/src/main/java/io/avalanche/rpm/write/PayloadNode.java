package io.avalanche.rpm.write;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.FileFlag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One entry of a package's file list, in header order: a directory, a regular file, a symbolic link or a %ghost
 * file, with the st_mode, owner, group, FILEFLAGS and size rpm records for it.
 */
record PayloadNode(String path, Kind kind, int mode, String user, String group, int flags, FileEntry file,
                   long size) {
    /** What the entry is; a ghost is listed in the header but has no payload entry. */
    enum Kind { DIR, FILE, SYMLINK, GHOST }

    /** RPMVERIFY_ALL less what rpmbuild drops for %ghost: digest, size, link target and mtime (build/files.c). */
    static final int GHOST_VERIFY = ~(1 | 2 | 4 | 32);

    boolean dir() {
        return kind == Kind.DIR;
    }

    /** Directories, files and links are in the cpio payload; ghosts are not (rpm 4.16 lib/rpmfi.c). */
    boolean inPayload() {
        return kind != Kind.GHOST;
    }

    /** Only regular files with payload bytes carry a FILEDIGESTS value; the others have "". */
    boolean digested() {
        return kind == Kind.FILE;
    }

    int verifyFlags() {
        return kind == Kind.GHOST ? GHOST_VERIFY : -1;
    }

    String linkTarget() {
        return kind == Kind.SYMLINK ? file.linkTarget() : "";
    }

    /** A link's payload data: its target, as rpmbuild writes it. */
    byte[] linkBytes() {
        return file.linkTarget().getBytes(StandardCharsets.UTF_8);
    }

    /** The sorted list of directories and files the package owns, with the directories its files need. */
    static List<PayloadNode> of(PackageSpec spec) {
        TreeMap<String, PayloadNode> all = new TreeMap<>();
        for (DirEntry d : spec.directories()) {
            all.put(d.path(), dir(d));
        }
        List<String> paths = new ArrayList<>(spec.directories().stream().map(DirEntry::path).toList());
        spec.files().forEach(f -> paths.add(f.path()));
        for (String p : paths) {
            for (String d : InstallPath.ownedAncestors(p)) {
                all.putIfAbsent(d, dir(DirEntry.of(d)));
            }
        }
        for (FileEntry f : spec.files()) {
            if (all.containsKey(f.path())) {
                throw new SpecException("package " + spec.name() + ": " + f.path()
                        + " is also a directory of the package");
            }
            all.put(f.path(), file(spec, f));
        }
        return new ArrayList<>(all.values());
    }

    private static PayloadNode dir(DirEntry d) {
        return new PayloadNode(d.path(), Kind.DIR, d.fileMode(), d.user(), d.group(), 0, null, 0);
    }

    private static PayloadNode file(PackageSpec spec, FileEntry f) {
        int flags = FileFlag.bits(f.flags());
        if (f.isSymlink()) {
            return new PayloadNode(f.path(), Kind.SYMLINK, f.fileMode(), f.user(), f.group(), flags, f,
                    f.linkTarget().getBytes(StandardCharsets.UTF_8).length);
        }
        if (f.source() == null) {
            return new PayloadNode(f.path(), Kind.GHOST, f.fileMode(), f.user(), f.group(), flags, f, 0);
        }
        Path src = f.source();
        if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(src)) {
            throw new SpecException("package " + spec.name() + ": source " + src + " for " + f.path()
                    + " is not a regular file");
        }
        ElfArchCheck.require(src, spec.arch());
        try {
            long size = Files.size(src);
            if (size > 0xffffffffL) {
                throw new SpecException(src + ": files over 4 GiB are not supported");
            }
            return new PayloadNode(f.path(), Kind.FILE, f.fileMode(), f.user(), f.group(), flags, f, size);
        } catch (IOException e) {
            throw new UncheckedIOException(src + ": cannot read: " + IoErrors.why(e), e);
        }
    }
}
