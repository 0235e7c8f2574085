package io.avalanche.rpm.store;

import io.avalanche.rpm.SpecException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses and opens destinations: {@code s3://BUCKET[/prefix]} or {@code file:DIR}. Schemes are case-insensitive
 * (RFC 3986): {@code S3://b} is {@code s3://b}; every other spelling (spaces, empty or dot segments, a file where a
 * directory belongs) is a usage error raised before any work.
 */
public final class Destinations {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", Pattern.DOTALL);
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{0,61}[a-z0-9]|[a-z0-9]");

    private Destinations() {
    }

    /** Kind of store a destination names. */
    public enum Kind { S3, FILE, DIRECTORY }

    /**
     * A checked destination. {@code url} is the canonical spelling (lower-case scheme); {@code bucket}/{@code prefix}
     * are set for S3 (prefix without leading or trailing '/', maybe empty), {@code dir} for file: and directories.
     */
    public record Destination(Kind kind, String url, String bucket, String prefix, Path dir) {
        public boolean s3() {
            return kind == Kind.S3;
        }
    }

    /** Checks a publish destination ({@code --to}); throws {@link SpecException} saying what is wrong. */
    public static Destination check(String to) {
        return parse("--to", to, false);
    }

    /** As {@link #check}, for an optional destination: null when {@code to} is null. */
    public static Destination checkIfGiven(String to) {
        return to == null ? null : check(to);
    }

    /** Checks a release source ({@code --from}): as {@link #check} plus a plain release directory. */
    public static Destination checkSource(String from) {
        return parse("--from", from, true);
    }

    /**
     * The S3 destination of a bucket and an optional key prefix, for front ends that take them as two fields (no
     * s3:// string to build and parse again). Checked as {@link #check} checks s3://BUCKET/prefix; leading and
     * trailing '/' of the prefix are dropped.
     */
    public static Destination s3(String bucket, String prefix) {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new SpecException("bucket '" + bucket + "' is not a valid S3 bucket name (lower-case letters, "
                    + "digits, '.' and '-', at most 63 characters)");
        }
        String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        if (!p.isEmpty()) {
            checkKey("prefix '" + prefix + "'", p);
        }
        return new Destination(Kind.S3, "s3://" + bucket + (p.isEmpty() ? "" : "/" + p), bucket, p, null);
    }

    /** True when {@code to} names an S3 destination, however its scheme is spelled (null: false). */
    public static boolean isS3(String to) {
        return to != null && check(to).s3();
    }

    private static Destination parse(String option, String value, boolean plainDirectory) {
        if (value == null || value.isEmpty()) {
            throw new SpecException(option + " is empty: give s3://BUCKET[/prefix] or file:DIR");
        }
        if (!value.equals(value.strip())) {
            throw new SpecException(option + " '" + value + "' has leading or trailing spaces: remove them");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SpecException(option + " contains control characters: give s3://BUCKET[/prefix] or file:DIR");
        }
        var m = SCHEME.matcher(value);
        String scheme = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
        if ("s3".equals(scheme)) {
            return s3(option, value, m.group(2));
        }
        if ("file".equals(scheme)) {
            return file(option, value, m.group(2), plainDirectory);
        }
        if (plainDirectory && (scheme == null || !m.group(2).startsWith("//"))) {
            Path dir = path(option, value, value);
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new SpecException(option + " " + value + " is a file, not a release directory");
            }
            return new Destination(Kind.DIRECTORY, value, null, null, dir);
        }
        throw new SpecException(option + " '" + value + "' is neither s3://BUCKET[/prefix] nor file:DIR");
    }

    private static Destination s3(String option, String value, String rest) {
        if (!rest.startsWith("//")) {
            throw new SpecException(option + " '" + value + "': write s3://BUCKET[/prefix]");
        }
        rest = rest.substring(2);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new SpecException(option + " '" + value + "' names no bucket: give s3://BUCKET[/prefix]");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw new SpecException(option + " '" + value + "': bucket name '" + bucket + "' is not a valid S3 bucket "
                    + "name (lower-case letters, digits, '.' and '-', at most 63 characters)");
        }
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty()) {
            checkKey(option + " '" + value + "'", prefix);
        }
        return new Destination(Kind.S3, "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix), bucket, prefix,
                null);
    }

    /**
     * Refuses an S3 key or prefix with empty, "." or ".." segments or a backslash: S3 keeps them literally but
     * every client that resolves URLs (dnf, browsers, CDNs) would read another object.
     */
    public static void checkKey(String what, String key) {
        for (String seg : key.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new SpecException(what + ": key '" + key + "' has an empty, '.' or '..' segment; write the "
                        + "prefix without them, e.g. s3://BUCKET/releases/rpm");
            }
        }
        if (key.indexOf('\\') >= 0 || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SpecException(what + ": key '" + key + "' contains a backslash or control character");
        }
    }

    private static Destination file(String option, String value, String rest, boolean source) {
        Path dir;
        if (rest.startsWith("//")) {
            URI u;
            try {
                u = new URI("file:" + rest);
            } catch (java.net.URISyntaxException e) {
                throw new SpecException(option + " '" + value + "' is not a file URL: " + e.getReason()
                        + "; write file:/absolute/dir or file:relative/dir");
            }
            if (u.getAuthority() != null && !u.getAuthority().equalsIgnoreCase("localhost")) {
                throw new SpecException(option + " '" + value + "' names host '" + u.getAuthority()
                        + "': only local directories are supported (file:///dir)");
            }
            dir = path(option, value, u.getPath());
        } else {
            if (rest.isEmpty()) {
                throw new SpecException(option + " 'file:' names no directory: give file:DIR");
            }
            dir = path(option, value, rest);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new SpecException(option + " " + value + ": " + dir + " is a file, not a directory; name a "
                    + (source ? "published tree" : "directory to publish into"));
        }
        return new Destination(Kind.FILE, "file:" + dir, null, null, dir);
    }

    private static Path path(String option, String value, String p) {
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            throw new SpecException(option + " '" + value + "': not a usable path (" + e.getReason() + ")");
        }
    }

    /** The store for a destination (checked first); S3 settings are used only for s3:// URLs. */
    public static ObjectStore open(String to, S3Settings s3) {
        return open(check(to), s3);
    }

    /** The store for a checked destination; S3 settings are used only for S3. */
    public static ObjectStore open(Destination d, S3Settings s3) {
        if (d.s3()) {
            return new S3Store(d.bucket(), d.prefix(), s3);
        }
        return new FileStore(d.dir());
    }
}
