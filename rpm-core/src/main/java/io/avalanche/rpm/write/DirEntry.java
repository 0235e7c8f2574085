package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

/** A directory the package owns (%dir), with its permission bits, owner and group. */
public record DirEntry(String path, int mode, String user, String group) {
    public DirEntry {
        path = InstallPath.normalize(path);
        if (mode < 0 || mode > 07777) {
            throw new SpecException("invalid mode " + Integer.toOctalString(mode) + " for directory " + path
                    + ": give permission bits such as 0755");
        }
        user = FileEntry.ownerName(user, "owner", path);
        group = FileEntry.ownerName(group, "group", path);
    }

    /** A root-owned directory, mode 0755 (what the package owns for the parents of its files). */
    public static DirEntry of(String path) {
        return new DirEntry(path, 0755, FileEntry.ROOT, FileEntry.ROOT);
    }

    /** The st_mode rpm records. */
    public int fileMode() {
        return 040000 | mode;
    }
}
