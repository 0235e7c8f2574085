package io.avalanche.rpm.validate;

import io.avalanche.rpm.RpmException;

/** Validation could not run (missing release file, container runtime unusable, tool absent). */
public class ValidationException extends RpmException {
    private static final long serialVersionUID = 1L;

    public ValidationException(String message) {
        super(message);
    }

    public ValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
