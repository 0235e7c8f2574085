package io.avalanche.rpm.publish;

import io.avalanche.rpm.RpmException;

/** A publish failure: refused overwrite, failed upload, checksum mismatch; the message names the object. */
public class PublishException extends RpmException {
    private static final long serialVersionUID = 1L;

    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
