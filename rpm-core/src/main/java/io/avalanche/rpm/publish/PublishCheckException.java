package io.avalanche.rpm.publish;

/** A publish refused because a check failed (signatures, keys, digests): exit code 3; nothing was uploaded. */
public class PublishCheckException extends PublishException {
    private static final long serialVersionUID = 1L;

    public PublishCheckException(String message) {
        super(message);
    }

    public PublishCheckException(String message, Throwable cause) {
        super(message, cause);
    }
}
