package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;

import java.util.Map;

/** Reads SOURCE_DATE_EPOCH (reproducible builds) from a given environment map. */
public final class SourceDate {
    private SourceDate() {
    }

    /** SOURCE_DATE_EPOCH when set, otherwise the current time; both in seconds. */
    public static long epochSeconds(Map<String, String> env) {
        String v = env.get("SOURCE_DATE_EPOCH");
        if (v == null || v.isBlank()) {
            return System.currentTimeMillis() / 1000;
        }
        try {
            long t = Long.parseLong(v.trim());
            if (t < 0 || t > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return t;
        } catch (NumberFormatException e) {
            throw new SpecException("SOURCE_DATE_EPOCH='" + v + "' is not a number of seconds since 1970");
        }
    }
}
