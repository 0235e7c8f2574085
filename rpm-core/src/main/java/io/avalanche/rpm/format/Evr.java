package io.avalanche.rpm.format;

import java.util.Comparator;

/** An RPM epoch:version-release and rpm's ordering of them (rpmvercmp, with {@code ~} and {@code ^}). */
public record Evr(long epoch, String version, String release) implements Comparable<Evr> {
    /** Orders as rpm and dnf do. */
    public static final Comparator<Evr> ORDER = Evr::compareTo;

    public Evr {
        version = version == null ? "" : version;
        release = release == null ? "" : release;
    }

    /** Parses {@code [epoch:]version[-release]}. */
    public static Evr parse(String s) {
        int colon = s.indexOf(':');
        long epoch = colon > 0 && s.substring(0, colon).chars().allMatch(Character::isDigit)
                ? Long.parseLong(s.substring(0, colon)) : 0;
        String vr = colon > 0 ? s.substring(colon + 1) : s;
        int dash = vr.lastIndexOf('-');
        return dash < 0 ? new Evr(epoch, vr, "") : new Evr(epoch, vr.substring(0, dash), vr.substring(dash + 1));
    }

    @Override
    public int compareTo(Evr o) {
        int c = Long.compare(epoch, o.epoch);
        if (c != 0) {
            return c;
        }
        c = vercmp(version, o.version);
        return c != 0 ? c : vercmp(release, o.release);
    }

    /** version-release, with the epoch only when it is not 0 (as rpm prints it). */
    @Override
    public String toString() {
        return (epoch != 0 ? epoch + ":" : "") + version + (release.isEmpty() ? "" : "-" + release);
    }

    /** rpm's rpmvercmp: -1, 0 or 1. */
    public static int vercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !Character.isLetterOrDigit(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^'
                    || i < a.length() && !isAscii(a.charAt(i))) {
                i++;
            }
            while (j < b.length() && !Character.isLetterOrDigit(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^'
                    || j < b.length() && !isAscii(b.charAt(j))) {
                j++;
            }
            boolean ta = i < a.length() && a.charAt(i) == '~';
            boolean tb = j < b.length() && b.charAt(j) == '~';
            if (ta || tb) {
                if (!ta) {
                    return 1;
                }
                if (!tb) {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            boolean ca = i < a.length() && a.charAt(i) == '^';
            boolean cb = j < b.length() && b.charAt(j) == '^';
            if (ca || cb) {
                if (i >= a.length()) {
                    return -1;
                }
                if (j >= b.length()) {
                    return 1;
                }
                if (!ca) {
                    return 1;
                }
                if (!cb) {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (i >= a.length() || j >= b.length()) {
                break;
            }
            boolean numeric = Character.isDigit(a.charAt(i));
            int si = i;
            int sj = j;
            while (i < a.length() && isAscii(a.charAt(i)) && (numeric ? Character.isDigit(a.charAt(i))
                    : Character.isLetter(a.charAt(i)))) {
                i++;
            }
            while (j < b.length() && isAscii(b.charAt(j)) && (numeric ? Character.isDigit(b.charAt(j))
                    : Character.isLetter(b.charAt(j)))) {
                j++;
            }
            String x = a.substring(si, i);
            String y = b.substring(sj, j);
            if (y.isEmpty()) {
                return numeric ? 1 : -1;   // a number is newer than letters
            }
            if (numeric) {
                x = x.replaceFirst("^0+", "");
                y = y.replaceFirst("^0+", "");
                if (x.length() != y.length()) {
                    return x.length() > y.length() ? 1 : -1;
                }
            }
            int c = x.compareTo(y);
            if (c != 0) {
                return c < 0 ? -1 : 1;
            }
        }
        if (i >= a.length() && j >= b.length()) {
            return 0;
        }
        return i >= a.length() ? -1 : 1;
    }

    private static boolean isAscii(char c) {
        return c < 128;
    }
}
