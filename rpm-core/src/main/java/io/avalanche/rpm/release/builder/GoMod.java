package io.avalanche.rpm.release.builder;

import io.avalanche.rpm.SpecException;

/**
 * Reads the Go toolchain a module needs from its go.mod: the {@code go} directive, or the
 * {@code toolchain} directive when that names a newer release. "go 1.23" means 1.23.0.
 */
public final class GoMod {
    private GoMod() {
    }

    /** The Go version to build with, e.g. "1.23.4"; {@code content} is the text of go.mod. */
    public static String parse(String content) {
        return version(content, "go.mod").toString();
    }

    /** Like {@link #parse(String)}; {@code file} names go.mod in error messages. */
    public static GoVersion version(String content, String file) {
        GoVersion go = null;
        GoVersion toolchain = null;
        String[] lines = (content == null ? "" : content).split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).trim();
            String[] words = line.split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            if (words[0].equals("go") || words[0].equals("toolchain")) {
                if (words.length != 2) {
                    throw new SpecException(file + ":" + (i + 1) + ": malformed '" + words[0]
                            + "' directive: expected one version, e.g. 'go 1.23.4' or 'toolchain go1.23.4'");
                }
                try {
                    if (words[0].equals("go")) {
                        go = GoVersion.parse(words[1]);
                    } else if (!words[1].equals("default")) {
                        if (!words[1].startsWith("go")) {
                            throw new SpecException("toolchain names start with 'go'");
                        }
                        toolchain = GoVersion.parse(words[1].replaceFirst("-.*$", ""));
                    }
                } catch (SpecException e) {
                    throw new SpecException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        if (go == null) {
            throw new SpecException(file + ": no 'go' directive: add a line like 'go 1.23.4' (the Go version "
                    + "the builder image installs comes from it)");
        }
        return toolchain != null && toolchain.compareTo(go) > 0 ? toolchain : go;
    }

    private static String stripComment(String line) {
        int c = line.indexOf("//");
        return c < 0 ? line : line.substring(0, c);
    }
}
