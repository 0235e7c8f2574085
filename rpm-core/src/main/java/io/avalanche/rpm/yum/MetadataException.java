package io.avalanche.rpm.yum;

import io.avalanche.rpm.RpmException;

/** Repository metadata that cannot be read or used: not XML, not a repomd.xml as written here. */
public class MetadataException extends RpmException {
    private static final long serialVersionUID = 1L;

    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
