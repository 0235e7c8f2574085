package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Absolute install paths: normalization and the directories a package may own. */
public final class InstallPath {
    /** Linux PATH_MAX less the terminating NUL: longer install paths cannot be created. */
    public static final int MAX_PATH_BYTES = 4095;
    /** Linux NAME_MAX: longer path segments cannot be created. */
    public static final int MAX_SEGMENT_BYTES = 255;

    /**
     * Directories owned by RHEL 9's filesystem package (and systemd's unit directories): a package may put
     * files below them but never own them, or it conflicts with filesystem at install time.
     */
    public static final Set<String> SYSTEM_DIRS = systemDirs();

    private static Set<String> systemDirs() {
        Set<String> s = new java.util.HashSet<>(List.of("/", "/afs", "/bin", "/boot", "/dev", "/etc", "/etc/X11",
                "/etc/X11/applnk", "/etc/X11/fontpath.d", "/etc/bash_completion.d", "/etc/opt", "/etc/pki",
                "/etc/profile.d", "/etc/skel", "/etc/sysconfig", "/etc/systemd", "/etc/systemd/system", "/etc/xdg",
                "/etc/xdg/autostart", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run",
                "/run/lock", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/games", "/usr/include",
                "/usr/lib", "/usr/lib/debug", "/usr/lib/games", "/usr/lib/locale", "/usr/lib/modules",
                "/usr/lib/sysimage", "/usr/lib/systemd", "/usr/lib/systemd/system", "/usr/lib64", "/usr/lib64/games",
                "/usr/libexec", "/usr/local", "/usr/local/bin", "/usr/local/etc", "/usr/local/games",
                "/usr/local/include", "/usr/local/lib", "/usr/local/lib64", "/usr/local/libexec", "/usr/local/sbin",
                "/usr/local/share", "/usr/local/share/applications", "/usr/local/share/info", "/usr/local/share/man",
                "/usr/local/src", "/usr/sbin", "/usr/share", "/usr/share/aclocal", "/usr/share/applications",
                "/usr/share/augeas", "/usr/share/backgrounds", "/usr/share/bash-completion",
                "/usr/share/desktop-directories", "/usr/share/dict", "/usr/share/doc", "/usr/share/empty",
                "/usr/share/games", "/usr/share/help", "/usr/share/icons", "/usr/share/idl", "/usr/share/info",
                "/usr/share/licenses", "/usr/share/man", "/usr/share/metainfo", "/usr/share/mime-info",
                "/usr/share/misc", "/usr/share/omf", "/usr/share/pixmaps", "/usr/share/sounds", "/usr/share/themes",
                "/usr/share/wayland-sessions", "/usr/share/xsessions", "/usr/share/X11", "/usr/src",
                "/usr/src/debug", "/usr/src/kernels", "/var", "/var/adm", "/var/cache", "/var/db", "/var/empty",
                "/var/ftp", "/var/games", "/var/gopher", "/var/lib", "/var/lib/games", "/var/lib/misc",
                "/var/lib/rpm-state", "/var/local", "/var/lock", "/var/log", "/var/mail", "/var/nis", "/var/opt",
                "/var/preserve", "/var/run", "/var/spool", "/var/spool/lpd", "/var/spool/mail", "/var/tmp",
                "/var/yp"));
        for (String sec : List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "n", "0p", "1p", "3p", "1x", "2x",
                "3x", "4x", "5x", "6x", "7x", "8x", "9x")) {
            s.add("/usr/share/man/man" + sec);
            s.add("/usr/local/share/man/man" + sec);
        }
        return Set.copyOf(s);
    }

    private InstallPath() {
    }

    /**
     * Checks an install path: absolute, no empty, . or .. segments, no trailing slash, no control characters,
     * at most 4,095 bytes with segments of at most 255 bytes (UTF-8), and not a directory the filesystem
     * package owns. Returns it unchanged.
     */
    public static String normalize(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new SpecException("install path '" + path + "' must be absolute (start with /)");
        }
        String shown = path.replaceAll("\\p{Cntrl}", "?");
        if (shown.length() > 120) {
            shown = shown.substring(0, 100) + "...(" + path.length() + " characters)";
        }
        for (char c : path.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                throw new SpecException("install path '" + shown + "' contains control characters");
            }
        }
        if (path.length() > 1 && path.endsWith("/")) {
            throw new SpecException("install path '" + shown + "' ends with '/': give the full path of the file,"
                    + " e.g. /var/opt/avalanchego/bin/avalanchego, not its directory");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new SpecException("install path '" + shown + "' is " + path.getBytes(StandardCharsets.UTF_8).length
                    + " bytes long; Linux paths are at most " + MAX_PATH_BYTES + " bytes");
        }
        for (String seg : path.substring(1).split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new SpecException("install path '" + shown + "' must not contain empty, . or .. segments");
            }
            int n = seg.getBytes(StandardCharsets.UTF_8).length;
            if (n > MAX_SEGMENT_BYTES) {
                throw new SpecException("install path '" + shown + "' has a segment of " + n + " bytes; Linux file"
                        + " names are at most " + MAX_SEGMENT_BYTES + " bytes");
            }
        }
        if (SYSTEM_DIRS.contains(path)) {
            throw new SpecException("install path '" + path + "' is a system directory owned by RHEL's filesystem"
                    + " package; install to a path below it, e.g. /var/opt/avalanchego/bin/avalanchego");
        }
        return path;
    }

    /** The parent directory of an install path ("/" for top-level entries). */
    public static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    /** Ancestors of a path that are not system directories, outermost first. */
    public static List<String> ownedAncestors(String path) {
        List<String> r = new ArrayList<>();
        for (String d = parent(path); !d.equals("/"); d = parent(d)) {
            if (!SYSTEM_DIRS.contains(d)) {
                r.add(0, d);
            }
        }
        return r;
    }
}
