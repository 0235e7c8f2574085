package io.avalanche.rpm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Supplier;

/** Prints a result either as human text or as JSON (--json). */
final class Output {
    private Output() {
    }

    /** Created on first JSON use only: Jackson costs ~0.2 s of start-up that text output does not need. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** A command's result on {@code out}: with --json ({@code json}) the JSON {@code asJson} renders, else the {@code text} lines, escaped. */
    static void result(PrintWriter out, boolean json, Supplier<String> asJson, Supplier<List<String>> text) {
        if (json) {
            out.println(asJson.get());
        } else {
            for (String l : text.get()) {
                line(out, l);
            }
        }
        out.flush();
    }

    /** Prints one line of console text with {@link #escape}. */
    static void line(PrintWriter out, String text) {
        out.println(escape(text));
    }

    /**
     * The one escaping function for console text that may carry bytes from package headers, file names or
     * program output: control characters (C0, DEL, C1, line breaks included) and bidirectional/invisible
     * format characters are written as a backslash, x and two hex digits (above 0xff: backslash, u and the hex
     * code point in braces), so nothing printed can move the cursor, recolour or rewrite the terminal, or split one line into two. Everything else is kept.
     */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            int type = Character.getType(c);
            boolean bad = c != '\t' && (type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.SURROGATE || c == 0x2028 || c == 0x2029);
            if (bad && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (!bad) {
                    b.appendCodePoint(c);
                } else if (c < 0x100) {
                    b.append(String.format("\\x%02x", c));
                } else {
                    b.append(String.format("\\u{%04x}", c));
                }
            }
            i += n;
        }
        return b == null ? s : b.toString();
    }

    static String toJson(Object o) {
        return toJson(Json.MAPPER.writer(), o);
    }

    /** As {@link #toJson(Object)} with the keys of every map in alphabetical order. */
    static String toSortedJson(Object o) {
        return toJson(Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS), o);
    }

    private static String toJson(ObjectWriter writer, Object o) {
        try {
            return writer.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }
}
