package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.FileFlag;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * One non-directory entry of a package: a regular file (bytes from {@code source}), a symbolic link
 * ({@code linkTarget}, no source) or a %ghost file (no source: owned, never written); its absolute install path,
 * permission bits, owner and group names, and %config / %config(noreplace) / %ghost flags.
 */
public record FileEntry(Path source, String path, int mode, String user, String group, Set<FileFlag> flags,
                        String linkTarget) {
    /** The owner and group of an entry unless given. */
    public static final String ROOT = "root";
    private static final String NAME = "[A-Za-z_][A-Za-z0-9_.-]{0,31}";

    public FileEntry {
        path = InstallPath.normalize(path);
        if (mode < 0 || mode > 07777) {
            throw new SpecException("invalid mode " + Integer.toOctalString(mode) + " for " + path
                    + ": give permission bits such as 0755");
        }
        user = ownerName(user, "owner", path);
        group = ownerName(group, "group", path);
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        boolean config = flags.contains(FileFlag.CONFIG);
        if (!config && (flags.contains(FileFlag.NOREPLACE) || flags.contains(FileFlag.MISSINGOK))) {
            throw new SpecException(path + ": noreplace and missingok qualify %config; mark the file %config too");
        }
        if (linkTarget != null) {
            if (source != null || !flags.isEmpty()) {
                throw new SpecException(path + ": a symbolic link has no source file and no %config/%ghost flags");
            }
            if (linkTarget.isEmpty() || linkTarget.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                    || linkTarget.getBytes(StandardCharsets.UTF_8).length > InstallPath.MAX_PATH_BYTES) {
                throw new SpecException(path + ": invalid symbolic link target '" + linkTarget.replaceAll(
                        "\\p{Cntrl}", "?") + "' (empty, control characters or over 4,095 bytes)");
            }
        } else if (source != null && flags.contains(FileFlag.GHOST)) {
            throw new SpecException(path + ": a %ghost file has no content; give no source file");
        } else if (source == null && !flags.contains(FileFlag.GHOST)) {
            throw new SpecException(path + ": no source file given (only %ghost files and symbolic links have none)");
        }
    }

    /** A root-owned regular file with these permission bits. */
    public FileEntry(Path source, String path, int mode) {
        this(source, path, mode, ROOT, ROOT, Set.of(), null);
    }

    /** A symbolic link at {@code path} pointing at {@code target} (relative or absolute), mode 0777 as rpm lists it. */
    public static FileEntry symlink(String path, String target) {
        return new FileEntry(null, path, 0777, ROOT, ROOT, Set.of(), target);
    }

    /** A %ghost file: the package owns {@code path} (removed on erase) but never writes it. */
    public static FileEntry ghost(String path, int mode) {
        return new FileEntry(null, path, mode, ROOT, ROOT, Set.of(FileFlag.GHOST), null);
    }

    /** This entry owned by {@code user}:{@code group} (names, resolved by rpm at install time). */
    public FileEntry ownedBy(String user, String group) {
        return new FileEntry(source, path, mode, user, group, flags, linkTarget);
    }

    /** This file as %config, or %config(noreplace) when {@code noreplace}. */
    public FileEntry config(boolean noreplace) {
        Set<FileFlag> f = EnumSet.of(FileFlag.CONFIG);
        f.addAll(flags);
        if (noreplace) {
            f.add(FileFlag.NOREPLACE);
        }
        return new FileEntry(source, path, mode, user, group, f, linkTarget);
    }

    public boolean isSymlink() {
        return linkTarget != null;
    }

    public boolean isGhost() {
        return flags.contains(FileFlag.GHOST);
    }

    /** The st_mode rpm records: file type bits plus permissions (links are always 0777). */
    public int fileMode() {
        return isSymlink() ? 0120777 : 0100000 | mode;
    }

    static String ownerName(String name, String what, String path) {
        String n = name == null ? ROOT : name;
        if (!n.matches(NAME)) {
            throw new SpecException(path + ": invalid " + what + " name '" + n.replaceAll("\\p{Cntrl}", "?")
                    + "': use a user/group name such as avalanchego (letters, digits, _ . -, at most 32)");
        }
        return n;
    }

    /** Parses the CLI form SRC:DEST[:MODE], mode in octal (default 0644, or 0755 if SRC is executable). */
    public static FileEntry parse(String spec) {
        String[] p = spec.split(":", -1);
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
            throw new SpecException("invalid --file '" + spec + "': use SRC:DEST[:MODE], e.g. build/avalanchego:"
                    + "/var/opt/avalanchego/bin/avalanchego:0755");
        }
        Path src = Path.of(p[0]);
        int mode;
        if (p.length == 3) {
            try {
                mode = Integer.parseInt(p[2], 8);
            } catch (NumberFormatException e) {
                throw new SpecException("invalid mode '" + p[2] + "' in --file '" + spec + "': use octal such as 0755");
            }
        } else {
            mode = java.nio.file.Files.isExecutable(src) ? 0755 : 0644;
        }
        return new FileEntry(src, p[1], mode);
    }
}
