package io.avalanche.rpm.store;

import io.avalanche.rpm.RpmException;

/** A store failure: an unreachable endpoint, a refused or failed request, a checksum mismatch; names the object. */
public class StoreException extends RpmException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
