package io.avalanche.rpm.format;

import java.util.HashMap;
import java.util.Map;

/** Signature-header tags (region 62), with their numbers and data types. */
public enum SigTag {
    HEADERSIGNATURES(62, RpmType.BIN),
    DSAHEADER(267, RpmType.BIN),
    RSAHEADER(268, RpmType.BIN),
    SHA1HEADER(269, RpmType.STRING),
    LONGSIZE(270, RpmType.INT64),
    LONGARCHIVESIZE(271, RpmType.INT64),
    SHA256HEADER(273, RpmType.STRING),
    SIZE(1000, RpmType.INT32),
    PGP(1002, RpmType.BIN),
    MD5(1004, RpmType.BIN),
    GPG(1005, RpmType.BIN),
    PAYLOADSIZE(1007, RpmType.INT32),
    RESERVEDSPACE(1008, RpmType.BIN);

    private static final Map<Integer, SigTag> BY_ID = new HashMap<>();

    static {
        for (SigTag t : values()) {
            BY_ID.put(t.id, t);
        }
    }

    private final int id;
    private final RpmType type;

    SigTag(int id, RpmType type) {
        this.id = id;
        this.type = type;
    }

    public int id() {
        return id;
    }

    public RpmType type() {
        return type;
    }

    /** The tag with this number, or null when this project does not name it. */
    public static SigTag byId(int id) {
        return BY_ID.get(id);
    }
}
