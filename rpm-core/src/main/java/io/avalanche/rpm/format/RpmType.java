package io.avalanche.rpm.format;

/** Header entry data types of the RPM v4 header format. */
public enum RpmType {
    NULL(0, 1), CHAR(1, 1), INT8(2, 1), INT16(3, 2), INT32(4, 4), INT64(5, 8),
    STRING(6, 1), BIN(7, 1), STRING_ARRAY(8, 1), I18NSTRING(9, 1);

    private final int code;
    private final int alignment;

    RpmType(int code, int alignment) {
        this.code = code;
        this.alignment = alignment;
    }

    public int code() {
        return code;
    }

    /** Byte alignment rpm requires for this type's data in the data store. */
    public int alignment() {
        return alignment;
    }

    public static RpmType of(int code) {
        if (code < 0 || code >= values().length) {
            throw new RpmFormatException("unknown header entry type " + code);
        }
        return values()[code];
    }
}
