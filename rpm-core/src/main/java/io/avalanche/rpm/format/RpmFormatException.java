package io.avalanche.rpm.format;

import io.avalanche.rpm.RpmException;

/** A package's bytes do not follow the RPM v4 format (truncated, bad magic, absurd sizes). */
public class RpmFormatException extends RpmException {
    private static final long serialVersionUID = 1L;

    public RpmFormatException(String message) {
        super(message);
    }

    public RpmFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
