package io.avalanche.rpm.format;

import java.util.Optional;

/**
 * The type each tag this project names must have, as rpm checks it: in the main header a known tag with another
 * type is refused (hdrchkTagType; the string types are one class), in the signature header every named tag must
 * have exactly its type and the integer tags exactly one value (rpmvs.c).
 */
final class TagTypes {
    private TagTypes() {
    }

    /** The problem of one entry of a header of this region, or empty when its type and count are right. */
    static Optional<String> problem(int region, int tag, RpmType type, int count) {
        if (region == HeaderCodec.REGION_TAG_SIGNATURES) {
            SigTag t = SigTag.byId(tag);
            if (t == null) {
                return Optional.empty();
            }
            if (type != t.type()) {
                return Optional.of("signature tag " + tag + " (" + t.name() + ") has type " + type + ", rpm requires "
                        + t.type());
            }
            if (isInteger(type) && count != 1) {
                return Optional.of("signature tag " + tag + " (" + t.name() + ") has " + count
                        + " values, rpm requires exactly 1");
            }
            return Optional.empty();
        }
        Tag t = Tag.byId(tag);
        if (t == null || type == t.type() || (isString(type) && isString(t.type()))) {
            return Optional.empty();
        }
        return Optional.of("tag " + tag + " (" + t.name() + ") has type " + type + ", rpm defines it as " + t.type());
    }

    static boolean isString(RpmType t) {
        return t == RpmType.STRING || t == RpmType.STRING_ARRAY || t == RpmType.I18NSTRING;
    }

    private static boolean isInteger(RpmType t) {
        return t == RpmType.INT16 || t == RpmType.INT32 || t == RpmType.INT64;
    }
}
