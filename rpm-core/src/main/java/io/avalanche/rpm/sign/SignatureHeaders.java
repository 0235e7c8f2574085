package io.avalanche.rpm.sign;

import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.SigTag;

import java.util.Optional;

/** Builds a signature header with a new header signature, sized to a fixed length via RESERVEDSPACE. */
final class SignatureHeaders {
    /** Reserved space added when the file has to be rewritten, so the next signing fits in place. */
    static final int DEFAULT_RESERVED = 4096;

    private SignatureHeaders() {
    }

    /** The old header without any signature (267, 268, 1002, 1005) or reserved space, plus 273 and 268. */
    static Header withSignature(Header old, String sha256Hex, byte[] signature) {
        return old.toBuilder()
                .remove(SigTag.DSAHEADER.id()).remove(SigTag.RSAHEADER.id())
                .remove(SigTag.PGP.id()).remove(SigTag.GPG.id()).remove(SigTag.RESERVEDSPACE.id())
                .string(SigTag.SHA256HEADER, sha256Hex)
                .bin(SigTag.RSAHEADER.id(), signature)
                .build();
    }

    /** Encodes {@code base} with a RESERVEDSPACE entry sized so the result is exactly {@code length} bytes. */
    static Optional<byte[]> fit(Header base, int length) {
        byte[] bare = encode(base);
        if (bare.length == length) {
            return Optional.of(bare);
        }
        int estimate = length - bare.length - 16;
        for (int n = estimate; n >= Math.max(1, estimate - 16); n--) {
            byte[] b = encode(base.toBuilder().bin(SigTag.RESERVEDSPACE.id(), new byte[n]).build());
            if (b.length == length) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Encodes {@code base} with the default reserved space, for a rewritten file. */
    static byte[] withDefaultReserve(Header base) {
        return encode(base.toBuilder().bin(SigTag.RESERVEDSPACE.id(), new byte[DEFAULT_RESERVED]).build());
    }

    static byte[] encode(Header h) {
        return HeaderCodec.encode(h, HeaderCodec.REGION_TAG_SIGNATURES);
    }
}
