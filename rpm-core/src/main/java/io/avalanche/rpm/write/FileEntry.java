package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

import java.nio.file.Path;

/** One regular file of a package: where its bytes come from, its absolute install path and mode. */
public record FileEntry(Path source, String path, int mode) {

    public FileEntry {
        path = InstallPath.normalize(path);
        if (mode < 0 || mode > 07777) {
            throw new SpecException("invalid mode " + Integer.toOctalString(mode) + " for " + path
                    + ": give permission bits such as 0755");
        }
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
