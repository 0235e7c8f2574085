package io.avalanche.rpm;

/** Root of every error the engine reports; messages name the file, the field and the fix. */
public class RpmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RpmException(String message) {
        super(message);
    }

    public RpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
