package io.avalanche.rpm;

/** Invalid user input: a bad tag, arch, file mapping or option; the message says how to fix it. */
public class SpecException extends RpmException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
