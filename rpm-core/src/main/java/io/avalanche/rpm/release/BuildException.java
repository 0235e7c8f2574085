package io.avalanche.rpm.release;

import io.avalanche.rpm.RpmException;

/** A build step failed (its command, exit code and last output lines are in the message). */
public class BuildException extends RpmException {
    private static final long serialVersionUID = 1L;

    public BuildException(String message) {
        super(message);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
