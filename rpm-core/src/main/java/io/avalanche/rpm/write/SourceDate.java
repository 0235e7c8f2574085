package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

import java.util.Map;
import java.util.OptionalLong;

/** Reads SOURCE_DATE_EPOCH (reproducible builds) from a given environment map: one rule for every command. */
public final class SourceDate {
    private SourceDate() {
    }

    /** SOURCE_DATE_EPOCH when set, otherwise the current time; both in seconds. */
    public static long epochSeconds(Map<String, String> env) {
        return fromEnvironment(env).orElseGet(() -> System.currentTimeMillis() / 1000);
    }

    /**
     * SOURCE_DATE_EPOCH in seconds, empty when unset or blank; refuses (exit 2) a value that is not a number of
     * seconds from 0 to 2^32-1, rather than silently ignoring it.
     */
    public static OptionalLong fromEnvironment(Map<String, String> env) {
        String v = env.get("SOURCE_DATE_EPOCH");
        if (v == null || v.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long t = Long.parseLong(v.trim());
            if (t < 0 || t > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return OptionalLong.of(t);
        } catch (NumberFormatException e) {
            throw new SpecException("SOURCE_DATE_EPOCH='" + v + "' is not a number of seconds since 1970");
        }
    }
}
