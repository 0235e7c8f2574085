package io.avalanche.rpm.format;


import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * rpm's structural checks of a header blob (hdrblobVerifyInfo / hdrblobVerifyRegion), at least as strict:
 * region entry and trailer, index sorted by tag, aligned non-overlapping data inside the data store.
 */
public final class HeaderStructure {
    private HeaderStructure() {
    }

    /** The first structural problem of this header blob, or empty. */
    public static Optional<String> problem(byte[] blob, int regionTag) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        if (blob.length < 16) {
            return Optional.of("truncated header");
        }
        int il = b.getInt(8);
        int dl = b.getInt(12);
        long total = 16L + 16L * il + dl;
        if (il < 1 || dl < 16 || total != blob.length) {
            return Optional.of("header sizes do not add up");
        }
        int ds = 16 + il * 16;
        if (b.getInt(16) != regionTag || b.getInt(20) != RpmType.BIN.code() || b.getInt(28) != 16) {
            return Optional.of("first index entry is not region " + regionTag);
        }
        int trailerOffset = b.getInt(24);
        if (trailerOffset != dl - 16) {
            return Optional.of("region trailer is not at the end of the data store");
        }
        int t = ds + trailerOffset;
        if (b.getInt(t) != regionTag || b.getInt(t + 4) != RpmType.BIN.code() || b.getInt(t + 8) != -(il * 16)
                || b.getInt(t + 12) != 16) {
            return Optional.of("malformed region trailer");
        }
        int prevTag = -1;
        long end = 0;
        for (int i = 1; i < il; i++) {
            int p = 16 + i * 16;
            int tag = b.getInt(p);
            int type = b.getInt(p + 4);
            int off = b.getInt(p + 8);
            int count = b.getInt(p + 12);
            if (tag < 100 || tag <= prevTag) {
                return Optional.of("index entry " + i + " (tag " + tag + ") out of order or reserved");
            }
            if (type < RpmType.CHAR.code() || type > RpmType.I18NSTRING.code()) {
                return Optional.of("tag " + tag + " has invalid type " + type);
            }
            RpmType rt = RpmType.of(type);
            if (count < 1 || off < 0 || off < end || off % rt.alignment() != 0 || off > trailerOffset) {
                return Optional.of("tag " + tag + " has invalid offset or count");
            }
            long len = length(blob, ds, trailerOffset, rt, off, count);
            if (len <= 0 || off + len > trailerOffset) {
                return Optional.of("tag " + tag + " data runs past the data store");
            }
            end = off + len;
            prevTag = tag;
        }
        return Optional.empty();
    }

    private static long length(byte[] blob, int ds, int limit, RpmType type, int off, int count) {
        return switch (type) {
            case CHAR, INT8, BIN -> count;
            case INT16 -> 2L * count;
            case INT32 -> 4L * count;
            case INT64 -> 8L * count;
            case STRING, STRING_ARRAY, I18NSTRING -> {
                if (type == RpmType.STRING && count != 1) {
                    yield -1;
                }
                int pos = ds + off;
                int stop = ds + limit;
                for (int i = 0; i < count; i++) {
                    while (pos < stop && blob[pos] != 0) {
                        pos++;
                    }
                    if (pos >= stop) {
                        yield -1;
                    }
                    pos++;
                }
                yield pos - (ds + off);
            }
            default -> -1;
        };
    }
}
