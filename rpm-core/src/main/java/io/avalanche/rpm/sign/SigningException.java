package io.avalanche.rpm.sign;

import io.avalanche.rpm.RpmException;

/** A key cannot be used for signing, or a package cannot be signed; the message never holds key material. */
public class SigningException extends RpmException {
    private static final long serialVersionUID = 1L;

    public SigningException(String message) {
        super(message);
    }

    public SigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
