package io.avalanche.rpm.jenkins;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline script of the tests, read from src/test/resources/io/avalanche/rpm/jenkins/pipelines/NAME.groovy, so
 * the default build parses every one with Groovy 2.4.21 without Jenkins (test/ module, PipelineScriptsTest).
 * Placeholders {@code @@KEY@@} stand inside single-quoted Groovy strings; {@link #with} escapes values for them, and
 * {@link #text} refuses a placeholder left unfilled.
 */
final class Pipeline {
    static final String DIR = "pipelines/";
    private static final Pattern PLACEHOLDER = Pattern.compile("@@([A-Z][A-Z0-9_]*)@@");

    private final String name;
    private final String text;

    private Pipeline(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** The script pipelines/NAME.groovy next to this class. */
    static Pipeline load(String name) {
        try (InputStream in = Pipeline.class.getResourceAsStream(DIR + name + ".groovy")) {
            if (in == null) {
                throw new IllegalArgumentException("no pipeline script " + DIR + name + ".groovy next to "
                        + Pipeline.class.getName());
            }
            return new Pipeline(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script with every {@code @@KEY@@} replaced by the value, escaped for a single-quoted Groovy string. */
    Pipeline with(String key, Object value) {
        String token = "@@" + key + "@@";
        if (!text.contains(token)) {
            throw new IllegalArgumentException(name + ": no placeholder " + token);
        }
        return new Pipeline(name, text.replace(token, escape(String.valueOf(value))));
    }

    /** Escapes for a Groovy single-quoted (or triple-single-quoted) string: backslash, quote, line breaks. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The script, once every placeholder has a value. */
    String text() {
        Matcher m = PLACEHOLDER.matcher(text);
        if (m.find()) {
            throw new IllegalStateException(name + ": placeholder @@" + m.group(1) + "@@ has no value");
        }
        return text;
    }

    @Override
    public String toString() {
        return DIR + name + ".groovy";
    }
}
