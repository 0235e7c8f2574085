package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git release tag mapped to RPM Version/Release: v1.14.1 → 1.14.1-1, v1.14.1-rc.2 → 1.14.1~rc.2-1,
 * v0.0.0-pr.&lt;sha&gt; → 0.0.0~pr.&lt;sha&gt;-1 (pull-request smoke builds).
 */
public record ReleaseTag(String tag, String version, String release, boolean pullRequest) {
    private static final Pattern TAG = Pattern.compile(
            "v(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})(?:-([0-9A-Za-z]+(?:\\.[0-9A-Za-z]+)*))?");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,40}");

    /** Parses a tag; anything but vMAJOR.MINOR.PATCH[-PRERELEASE] is refused with the rule. */
    public static ReleaseTag parse(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new SpecException("empty tag: give a release tag like v1.14.1 or v1.14.1-rc.2");
        }
        if (tag.length() > 128) {
            throw new SpecException("tag is longer than 128 characters");
        }
        Matcher m = TAG.matcher(tag);
        if (!m.matches()) {
            throw new SpecException("invalid tag '" + printable(tag)
                    + "': expected vMAJOR.MINOR.PATCH with an optional -PRERELEASE of letters, digits and dots"
                    + " (e.g. v1.14.1, v1.14.1-rc.2)");
        }
        String version = m.group(1) + "." + m.group(2) + "." + m.group(3);
        String pre = m.group(4);
        boolean pr = pre != null && pre.startsWith("pr.");
        if (pre != null) {
            version = version + "~" + pre;
        }
        return new ReleaseTag(tag, version, "1", pr);
    }

    /** The synthetic tag of a pull-request smoke build: v0.0.0-pr.&lt;short sha&gt;. */
    public static ReleaseTag forPullRequest(String sha) {
        String s = sha == null ? "" : sha.trim().toLowerCase(java.util.Locale.ROOT);
        if (!SHA.matcher(s).matches()) {
            throw new SpecException("invalid commit '" + printable(String.valueOf(sha))
                    + "': expected 7 to 40 hex digits");
        }
        return parse("v0.0.0-pr." + s.substring(0, Math.min(12, s.length())));
    }

    /** Package file name as published today: &lt;name&gt;-&lt;tag&gt;-&lt;rpm-arch&gt;.rpm. */
    public String fileName(String packageName, Arch arch) {
        return packageName + "-" + tag + "-" + arch.rpm() + ".rpm";
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
