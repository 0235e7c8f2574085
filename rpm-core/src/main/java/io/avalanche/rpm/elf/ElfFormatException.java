package io.avalanche.rpm.elf;

import io.avalanche.rpm.format.RpmFormatException;

/** A file starts like ELF but its structures are truncated, out of range or inconsistent. */
public class ElfFormatException extends RpmFormatException {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }
}
