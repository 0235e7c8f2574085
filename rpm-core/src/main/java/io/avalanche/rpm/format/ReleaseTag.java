package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git release tag mapped to RPM Version/Release exactly as nfpm maps upstream's tags: v1.14.1 → 1.14.1-1,
 * v1.14.1-rc.2 → 1.14.1~rc.2-1, v1.15.0-fuji-rc.4 → 1.15.0~fuji_rc.4-1, v0.0.0-pr.&lt;sha&gt; → 0.0.0~pr.&lt;sha&gt;-1.
 */
public record ReleaseTag(String tag, String version, String release, boolean pullRequest) {
    /** v + a semver 2.0.0 core + optional pre-release + optional build metadata (refused below, with its rule). */
    private static final Pattern SHAPE = Pattern.compile(
            "v(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]*))?(\\+.*)?");
    private static final Pattern IDENTIFIER = Pattern.compile("[0-9A-Za-z-]+");
    private static final Pattern PR = Pattern.compile("pr\\.[0-9a-f]{7,40}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,40}");
    private static final String FORM = "expected vMAJOR.MINOR.PATCH[-PRERELEASE] as in semver 2.0.0 "
            + "(e.g. v1.14.1, v1.14.1-rc.2, v1.15.0-fuji-rc.4)";

    /** Parses a tag; anything semver 2.0.0 refuses, and build metadata, is refused with the rule broken. */
    public static ReleaseTag parse(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new SpecException("empty tag: give a release tag like v1.14.1 or v1.14.1-rc.2");
        }
        if (tag.length() > 128) {
            throw new SpecException("tag is longer than 128 characters");
        }
        String shown = printable(tag);
        Matcher m = SHAPE.matcher(tag);
        if (!m.matches()) {
            throw new SpecException("invalid tag '" + shown + "': " + FORM);
        }
        if (m.group(5) != null) {
            throw new SpecException("invalid tag '" + shown + "': build metadata ('" + printable(m.group(5))
                    + "') is not allowed: semver 2.0.0 (item 10) ignores it when ordering, so rpm could not order "
                    + "two such tags; tag the release without '+...'");
        }
        String[] core = {m.group(1), m.group(2), m.group(3)};
        for (String n : core) {
            numeric(shown, n, "version number");
            if (n.length() > 9) {
                throw new SpecException("invalid tag '" + shown + "': version number " + n + " is too large");
            }
        }
        String pre = m.group(4);
        boolean pr = pre != null && core[0].equals("0") && core[1].equals("0") && core[2].equals("0")
                && PR.matcher(pre).matches();
        if (pre != null && !pr) {
            if (pre.isEmpty()) {
                throw new SpecException("invalid tag '" + shown + "': empty pre-release after '-': semver 2.0.0 "
                        + "(item 9) needs at least one identifier; drop the '-' or add e.g. -rc.1");
            }
            for (String id : pre.split("\\.", -1)) {
                if (id.isEmpty()) {
                    throw new SpecException("invalid tag '" + shown + "': empty identifier in pre-release '" + pre
                            + "': semver 2.0.0 (item 9) forbids empty identifiers (no leading, trailing or double dots)");
                }
                if (!IDENTIFIER.matcher(id).matches()) {
                    throw new SpecException("invalid tag '" + shown + "': " + FORM);
                }
                if (id.chars().allMatch(Character::isDigit)) {
                    numeric(shown, id, "pre-release identifier");
                }
            }
        }
        String version = core[0] + "." + core[1] + "." + core[2];
        if (pre != null) {
            // as nfpm's rpm packager: '~' sorts the pre-release before the release; '-' is not allowed in an rpm
            // version, nfpm writes it as '_'
            version = version + "~" + pre.replace('-', '_');
        }
        return new ReleaseTag(tag, version, "1", pr);
    }

    private static void numeric(String shown, String n, String what) {
        if (n.length() > 1 && n.charAt(0) == '0') {
            throw new SpecException("invalid tag '" + shown + "': " + what + " '" + n + "' has a leading zero: "
                    + "semver 2.0.0 (items 2 and 9) forbids leading zeros in numeric identifiers (v01.2.3 would "
                    + "be the same rpm version as v1.2.3); write " + n.replaceFirst("^0+(?=.)", ""));
        }
    }

    /** The synthetic tag of a pull-request smoke build: v0.0.0-pr.&lt;short sha&gt;. */
    public static ReleaseTag forPullRequest(String sha) {
        String s = sha == null ? "" : sha.trim().toLowerCase(Locale.ROOT);
        if (!SHA.matcher(s).matches()) {
            throw new SpecException("invalid commit '" + printable(String.valueOf(sha))
                    + "': expected 7 to 40 hex digits");
        }
        return parse("v0.0.0-pr." + s.substring(0, Math.min(12, s.length())));
    }

    /**
     * Package file name as published today: &lt;name&gt;-&lt;tag&gt;-&lt;rpm-arch&gt;.rpm for Release 1; a respin
     * (Release N &gt; 1) is &lt;name&gt;-&lt;tag&gt;_&lt;N&gt;-&lt;rpm-arch&gt;.rpm ({@code _} never occurs in a tag, so no
     * respin's name can be another tag's).
     */
    public String fileName(String packageName, Arch arch) {
        return fileName(packageName, arch.rpm());
    }

    /** As {@link #fileName(String, Arch)} for an RPM arch name. */
    public String fileName(String packageName, String rpmArch) {
        return packageName + "-" + tag + (release.equals("1") ? "" : "_" + release) + "-" + rpmArch + ".rpm";
    }

    /** The semver pre-release after the first '-' ({@code rc.2}, {@code fuji-rc.4}); null for a plain vX.Y.Z. */
    public String preRelease() {
        int dash = tag.indexOf('-');
        return dash < 0 ? null : tag.substring(dash + 1);
    }

    /** The channel this tag is published in ({@link Channel}: the one rule). */
    public Channel channel() {
        return Channel.of(this);
    }

    /**
     * The same tag as RPM Release {@code n} (a respin: 1.14.1-2 from the same tag, which dnf upgrades to from
     * 1.14.1-1); {@code n} is a whole number from 1, without leading zeros.
     */
    public ReleaseTag withRelease(String n) {
        if (n == null || !n.matches("[1-9][0-9]{0,8}")) {
            throw new SpecException("--release '" + printable(String.valueOf(n)) + "': a respin's RPM Release is a "
                    + "whole number from 1 (1 is the first build of a tag; 2 its first respin)");
        }
        return new ReleaseTag(tag, version, n, pullRequest);
    }

    /**
     * The tag an RPM version was mapped from ({@code 1.15.0~fuji_rc.4} → {@code v1.15.0-fuji-rc.4}) with that
     * Release, or empty when no tag maps to this version (a package built with --version).
     */
    public static java.util.Optional<ReleaseTag> fromVersion(String rpmVersion, String rpmRelease) {
        if (rpmVersion == null || rpmVersion.indexOf('-') >= 0) {
            return java.util.Optional.empty();
        }
        String tag = "v" + rpmVersion.replaceFirst("~", "-").replace('_', '-');
        try {
            ReleaseTag t = parse(tag);
            if (!t.version().equals(rpmVersion)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(rpmRelease == null || rpmRelease.equals("1") ? t : t.withRelease(rpmRelease));
        } catch (SpecException e) {
            return java.util.Optional.empty();
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
