package io.avalanche.rpm.build;

import io.avalanche.rpm.SpecException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Absolute install paths: normalization and the directories a package may own. */
public final class InstallPath {
    /** Directories owned by RHEL 9's filesystem package (and its base): never owned by our packages. */
    public static final Set<String> SYSTEM_DIRS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/etc/opt",
            "/etc/sysconfig", "/etc/profile.d", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc",
            "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/include", "/usr/lib",
            "/usr/lib64", "/usr/libexec", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin",
            "/usr/local/share", "/usr/sbin", "/usr/share", "/usr/share/doc", "/usr/share/licenses",
            "/usr/share/man", "/usr/share/man/man1", "/usr/share/man/man8", "/usr/src", "/var", "/var/cache",
            "/var/lib", "/var/log", "/var/opt", "/var/run", "/var/spool", "/var/tmp", "/usr/lib/systemd",
            "/usr/lib/systemd/system", "/etc/systemd", "/etc/systemd/system");

    private InstallPath() {
    }

    /** Checks an absolute, clean install path and strips a trailing slash. */
    public static String normalize(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new SpecException("install path '" + path + "' must be absolute (start with /)");
        }
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String seg : p.substring(1).split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new SpecException("install path '" + path + "' must not contain empty, . or .. segments");
            }
        }
        for (char c : p.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                throw new SpecException("install path '" + path.replaceAll("\\p{Cntrl}", "?")
                        + "' contains control characters");
            }
        }
        return p;
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
