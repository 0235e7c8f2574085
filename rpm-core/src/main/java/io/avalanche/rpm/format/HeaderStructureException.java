package io.avalanche.rpm.format;

/** A header's index or an entry's type or count breaks the rules rpm enforces: the header is damaged or crafted. */
public class HeaderStructureException extends RpmFormatException {
    private static final long serialVersionUID = 1L;

    public HeaderStructureException(String message) {
        super(message);
    }
}
