package io.avalanche.rpm.release.builder;

import io.avalanche.rpm.SpecException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Go release number as go.dev/dl names it: 1.23.4, 1.20, 1.21rc2 (ordered like the Go toolchain orders them). */
public record GoVersion(int major, int minor, int patch, String prerelease) implements Comparable<GoVersion> {
    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,4}))?((?:rc|beta)\\d{1,4})?");

    /**
     * Parses "1.23", "1.23.4", "1.21rc2" or "go1.23.4". A language version without a patch number names
     * the first release of that line: 1.21 and later were first released as X.Y.0, earlier lines as X.Y.
     */
    public static GoVersion parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.startsWith("go")) {
            s = s.substring(2);
        }
        Matcher m = VERSION.matcher(s);
        if (!m.matches()) {
            throw new SpecException("invalid Go version '" + text + "': expected e.g. 1.23, 1.23.4 or 1.21rc2");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        String pre = m.group(4) == null ? "" : m.group(4);
        int patch;
        if (m.group(3) != null) {
            patch = Integer.parseInt(m.group(3));
        } else {
            patch = pre.isEmpty() && (major > 1 || minor >= 21) ? 0 : -1;
        }
        if (!pre.isEmpty() && patch >= 0) {
            throw new SpecException("invalid Go version '" + text + "': pre-releases have no patch number (1.21rc2)");
        }
        return new GoVersion(major, minor, patch, pre);
    }

    /** The name go.dev/dl uses, without the "go" prefix: 1.23.0, 1.20, 1.21rc2. */
    @Override
    public String toString() {
        return major + "." + minor + (patch >= 0 ? "." + patch : "") + prerelease;
    }

    @Override
    public int compareTo(GoVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(rank(), o.rank());
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c == 0) {
            c = Integer.compare(preNumber(), o.preNumber());
        }
        return c;
    }

    /** beta < rc < release (X.Y or X.Y.Z) within one minor line. */
    private int rank() {
        if (prerelease.startsWith("beta")) {
            return 0;
        }
        return prerelease.startsWith("rc") ? 1 : 2;
    }

    private int preNumber() {
        return prerelease.isEmpty() ? 0 : Integer.parseInt(prerelease.replaceAll("\\D", ""));
    }
}
