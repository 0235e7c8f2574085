package io.avalanche.rpm.store;


/** Another publish wrote the same object first (a conditional write was refused, or the index changed). */
public class ConcurrentWriteException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ConcurrentWriteException(String message) {
        super(message);
    }
}
