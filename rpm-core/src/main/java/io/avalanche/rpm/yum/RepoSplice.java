package io.avalanche.rpm.yum;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds packages to primary/filelists/other.xml as {@link RepoXml#write} wrote them by copying the other packages'
 * elements byte for byte instead of parsing and writing them again: the cost of a publish no longer grows with the
 * number of packages the repository holds (beyond copying bytes). Documents it does not recognise (other writers,
 * unsorted, escaped locations) are not spliced: the caller parses and writes them whole.
 */
public final class RepoSplice {
    private static final byte[] OPEN = "<package ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "</package>\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HREF = "<location href=\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIZE = "<size package=\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECKSUM = "pkgid=\"YES\">".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PKGID = "pkgid=\"".getBytes(StandardCharsets.US_ASCII);

    private RepoSplice() {
    }

    /** One document cut into its head, its package elements ([start, end) each) and its tail. */
    private record Doc(byte[] bytes, int[] starts, int[] ends) {
    }

    /** The three documents of a repository, indexed: per package its location, package size and SHA-256. */
    public record Index(Doc[] docs, List<String> hrefs, Map<String, Long> sizes, Map<String, String> checksums) {
    }

    /** The documents indexed, or null when they are not exactly as {@link RepoXml#write} writes them. */
    public static Index index(byte[] primary, byte[] filelists, byte[] other) {
        Doc p = cut(primary);
        Doc f = cut(filelists);
        Doc o = cut(other);
        if (p == null || f == null || o == null || p.starts.length != f.starts.length
                || p.starts.length != o.starts.length) {
            return null;
        }
        List<String> hrefs = new ArrayList<>();
        Map<String, Long> sizes = new HashMap<>();
        Map<String, String> checksums = new HashMap<>();
        for (int i = 0; i < p.starts.length; i++) {
            String href = attr(primary, p.starts[i], p.ends[i], HREF);
            String size = attr(primary, p.starts[i], p.ends[i], SIZE);
            String sha = text(primary, p.starts[i], p.ends[i], CHECKSUM);
            if (href == null || size == null || sha == null || href.indexOf('&') >= 0
                    || (i > 0 && hrefs.get(i - 1).compareTo(href) >= 0)
                    || !sha.equals(attr(filelists, f.starts[i], f.ends[i], PKGID))
                    || !sha.equals(attr(other, o.starts[i], o.ends[i], PKGID))) {
                return null;
            }
            try {
                sizes.put(href, Long.parseLong(size));
            } catch (NumberFormatException e) {
                return null;
            }
            hrefs.add(href);
            checksums.put(href, sha);
        }
        Index idx = new Index(new Doc[] {p, f, o}, hrefs, sizes, checksums);
        // the head and tail must be exactly RepoXml's for the old count: then only the count changes
        byte[][] empty = heads(hrefs.size());
        for (int d = 0; d < 3; d++) {
            Doc doc = idx.docs[d];
            int tailStart = doc.bytes.length - tailOf(d).length;
            int headEnd = doc.starts.length == 0 ? tailStart : doc.starts[0];
            int lastEnd = doc.starts.length == 0 ? tailStart : doc.ends[doc.ends.length - 1];
            if (headEnd < 0 || lastEnd != tailStart
                    || !java.util.Arrays.equals(doc.bytes, 0, headEnd, empty[d], 0, empty[d].length)
                    || !endsWith(doc.bytes, tailOf(d))) {
                return null;
            }
        }
        return idx;
    }

    /** The documents of the indexed packages plus {@code fresh} (whose locations replace equal ones), in order. */
    public static RepoXml.Documents splice(Index idx, List<PackageMetadata> fresh) {
        List<PackageMetadata> add = new ArrayList<>(fresh);
        add.sort(java.util.Comparator.comparing(PackageMetadata::href));
        RepoXml.Documents mine = RepoXml.write(add);
        Doc[] new3 = {cut(mine.primary()), cut(mine.filelists()), cut(mine.other())};
        int total = idx.hrefs.size();
        for (PackageMetadata m : add) {
            if (!idx.sizes.containsKey(m.href())) {
                total++;
            }
        }
        byte[][] heads = heads(total);
        byte[][] out = new byte[3][];
        for (int d = 0; d < 3; d++) {
            Doc old = idx.docs[d];
            Doc neu = new3[d];
            ByteArrayOutputStream b = new ByteArrayOutputStream(old.bytes.length + mine.primary().length);
            b.writeBytes(heads[d]);
            int i = 0;
            int j = 0;
            while (i < idx.hrefs.size() || j < add.size()) {
                int c = i >= idx.hrefs.size() ? 1 : j >= add.size() ? -1
                        : idx.hrefs.get(i).compareTo(add.get(j).href());
                if (c < 0) {
                    b.write(old.bytes, old.starts[i], old.ends[i] - old.starts[i]);
                    i++;
                } else {
                    b.write(neu.bytes, neu.starts[j], neu.ends[j] - neu.starts[j]);
                    j++;
                    if (c == 0) {
                        i++;
                    }
                }
            }
            b.writeBytes(tailOf(d));
            out[d] = b.toByteArray();
        }
        return new RepoXml.Documents(out[0], out[1], out[2]);
    }

    private static byte[][] heads(int count) {
        RepoXml.Documents none = RepoXml.write(List.of());
        byte[][] h = new byte[3][];
        byte[][] docs = {none.primary(), none.filelists(), none.other()};
        for (int d = 0; d < 3; d++) {
            String s = new String(docs[d], StandardCharsets.UTF_8);
            s = s.substring(0, s.length() - new String(tailOf(d), StandardCharsets.UTF_8).length())
                    .replace("packages=\"0\"", "packages=\"" + count + "\"");
            h[d] = s.getBytes(StandardCharsets.UTF_8);
        }
        return h;
    }

    private static byte[] tailOf(int d) {
        return (d == 0 ? "</metadata>\n" : d == 1 ? "</filelists>\n" : "</otherdata>\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Package elements: each from "<package " at a line start to its "</package>\n". */
    private static Doc cut(byte[] b) {
        List<int[]> els = new ArrayList<>();
        int from = 0;
        while (true) {
            int s = indexOf(b, OPEN, from);
            if (s < 0) {
                break;
            }
            if (s == 0 || b[s - 1] != '\n') {
                return null;
            }
            int e = indexOf(b, CLOSE, s);
            if (e < 0) {
                return null;
            }
            e += CLOSE.length;
            int nested = indexOf(b, OPEN, s + OPEN.length);
            if (nested >= 0 && nested < e) {
                return null;
            }
            els.add(new int[] {s, e});
            from = e;
        }
        int[] starts = new int[els.size()];
        int[] ends = new int[els.size()];
        for (int i = 0; i < els.size(); i++) {
            starts[i] = els.get(i)[0];
            ends[i] = els.get(i)[1];
            if (i > 0 && starts[i] != ends[i - 1]) {
                return null;
            }
        }
        return new Doc(b, starts, ends);
    }

    private static String attr(byte[] b, int from, int to, byte[] prefix) {
        return valueAfter(b, from, to, prefix, '"');
    }

    private static String text(byte[] b, int from, int to, byte[] prefix) {
        return valueAfter(b, from, to, prefix, '<');
    }

    /** The bytes after the first {@code prefix} in [from, to) up to {@code end}, as text; null when either is missing. */
    private static String valueAfter(byte[] b, int from, int to, byte[] prefix, char end) {
        int s = indexOf(b, prefix, from);
        if (s < 0 || s >= to) {
            return null;
        }
        s += prefix.length;
        int e = s;
        while (e < to && b[e] != end) {
            e++;
        }
        return e >= to ? null : new String(b, s, e - s, StandardCharsets.UTF_8);
    }

    private static boolean endsWith(byte[] b, byte[] tail) {
        return b.length >= tail.length
                && java.util.Arrays.equals(b, b.length - tail.length, b.length, tail, 0, tail.length);
    }

    private static int indexOf(byte[] b, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= b.length - needle.length; i++) {
            if (b[i] != needle[0]) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (b[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
