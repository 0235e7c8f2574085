package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

import java.util.List;
import java.util.Locale;

/**
 * Free text that goes into a package header (summary, description, license, URL, vendor, packager, group, build
 * host, changelog): control characters (C0, DEL, C1; line breaks except where a field has lines), bidirectional and
 * invisible formatting characters, line/paragraph separators and unpaired surrogates are refused at input, naming
 * the character: they would reach terminals (rpm -qi, dnf info) and repository metadata raw.
 */
public final class FreeText {
    private FreeText() {
    }

    /** {@code value} when it is one line of printable text (null passes); SpecException naming the character. */
    public static String oneLine(String field, String value) {
        return check("package " + field, value, false);
    }

    /** As {@link #oneLine}, allowing line feeds and tabs (description, changelog text). */
    public static String lines(String field, String value) {
        return check("package " + field, value, true);
    }

    /** As {@link #oneLine} for text that is not a header field; {@code subject} names it in messages (--reason). */
    public static String oneLineOf(String subject, String value) {
        return check(subject, value, false);
    }

    /**
     * As {@link #oneLine}, and a non-empty value must be a public http, https or ftp URL with a dotted host, as
     * rpmlint's invalid-url check wants it (dnf info shows it as a link).
     */
    public static String url(String field, String value) {
        oneLine(field, value);
        if (value == null || value.isEmpty()) {
            return value;
        }
        String scheme = null;
        String authority = null;
        try {
            java.net.URI u = new java.net.URI(value);
            scheme = u.getScheme();
            authority = u.getRawAuthority();
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        if (scheme == null || !List.of("http", "https", "ftp").contains(scheme.toLowerCase(Locale.ROOT))
                || authority == null || !authority.contains(".")) {
            throw new SpecException("package " + field + " '" + value + "' is not a public http, https or ftp URL"
                    + " (e.g. https://github.com/ava-labs/avalanchego)");
        }
        return value;
    }

    private static String check(String subject, String value, boolean lines) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (refused(c, lines)) {
                String name = Character.getName(c);
                throw new SpecException(subject + ": character " + String.format(Locale.ROOT, "U+%04X", c)
                        + (name == null ? "" : " (" + name + ")") + " at character " + (value.codePointCount(0, i) + 1)
                        + " is not allowed: control characters and bidirectional or"
                        + " invisible formatting characters would reach terminals and repository metadata raw;"
                        + " remove it" + (lines ? "" : " (this field is one line)"));
            }
            i += Character.charCount(c);
        }
        return value;
    }

    private static boolean refused(int c, boolean lines) {
        if (lines && (c == '\n' || c == '\t')) {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
