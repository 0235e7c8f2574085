package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A package relation such as "glibc >= 2.34", with rpm's sense flags. */
public record Dependency(String name, int flags, String version) {
    public static final int LESS = 0x02;
    public static final int GREATER = 0x04;
    public static final int EQUAL = 0x08;
    public static final int RPMLIB = 0x1000000;
    private static final Pattern EXPR = Pattern.compile("\\s*([^\\s<>=]+)\\s*(?:(<=|>=|=|==|<|>)\\s*(\\S+))?\\s*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.+()/:-]+");

    public Dependency {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SpecException("invalid dependency name '" + name + "'");
        }
        version = version == null ? "" : version;
        if (!version.isEmpty() && !version.matches("[A-Za-z0-9._+~^:-]+")) {
            throw new SpecException("invalid dependency version '" + version + "' for " + name);
        }
    }

    /** Parses "name", "name >= 1.0", "name = 1:2.3-4"; anything else is refused. */
    public static Dependency parse(String expr) {
        Matcher m = EXPR.matcher(expr == null ? "" : expr);
        if (!m.matches()) {
            throw new SpecException("invalid dependency '" + expr + "': use 'NAME' or 'NAME OP VERSION' with OP one of"
                    + " < <= = >= >");
        }
        if (m.group(2) == null) {
            return new Dependency(m.group(1), 0, "");
        }
        int f = switch (m.group(2)) {
            case "<" -> LESS;
            case "<=" -> LESS | EQUAL;
            case ">" -> GREATER;
            case ">=" -> GREATER | EQUAL;
            default -> EQUAL;
        };
        return new Dependency(m.group(1), f, m.group(3));
    }

    /** An rpmlib(...) feature requirement as rpmbuild writes it: "rpmlib(X) <= version". */
    public static Dependency rpmlib(String feature, String version) {
        return new Dependency("rpmlib(" + feature + ")", LESS | EQUAL | RPMLIB, version);
    }

    @Override
    public String toString() {
        if (version.isEmpty()) {
            return name;
        }
        String op = ((flags & LESS) != 0 ? "<" : "") + ((flags & GREATER) != 0 ? ">" : "")
                + ((flags & EQUAL) != 0 ? "=" : "");
        return name + " " + op + " " + version;
    }
}
