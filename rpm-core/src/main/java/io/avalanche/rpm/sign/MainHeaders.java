package io.avalanche.rpm.sign;

import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.RpmFormatException;
import io.avalanche.rpm.format.Tag;

import java.nio.ByteBuffer;

/** Checks that bytes handed to a remote signer are one complete RPM main header, nothing more. */
public final class MainHeaders {
    private MainHeaders() {
    }

    /** Decodes and returns the header; refuses anything that is not exactly one immutable-region main header. */
    public static Header require(byte[] bytes, String what) {
        int length = HeaderCodec.totalLength(bytes, what);
        if (length != bytes.length) {
            throw new RpmFormatException(what + ": " + bytes.length + " bytes given, the header is " + length);
        }
        if (ByteBuffer.wrap(bytes).getInt(16) != HeaderCodec.REGION_TAG_IMMUTABLE) {
            throw new RpmFormatException(what + ": not a main header (no immutable region tag 63)");
        }
        Header h = HeaderCodec.decode(bytes, what);
        for (Tag t : new Tag[] {Tag.NAME, Tag.VERSION, Tag.RELEASE, Tag.ARCH}) {
            if (h.string(t) == null) {
                throw new RpmFormatException(what + ": main header without " + t.name());
            }
        }
        return h;
    }

    /** name-version-release.arch of a header {@link #require} accepted. */
    public static String nevra(Header h) {
        return h.string(Tag.NAME) + "-" + h.string(Tag.VERSION) + "-" + h.string(Tag.RELEASE) + "." + h.string(Tag.ARCH);
    }
}
