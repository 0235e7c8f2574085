package io.avalanche.rpm.publish;

/** Another publish wrote the same object first (a conditional write was refused, or the index changed). */
public class ConcurrentPublishException extends PublishException {
    private static final long serialVersionUID = 1L;

    public ConcurrentPublishException(String message) {
        super(message);
    }
}
