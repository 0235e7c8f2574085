package io.avalanche.rpm.format;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Encodes and decodes RPM v4 header structures (magic, index, data store, region trailer). */
public final class HeaderCodec {
    private static final byte[] MAGIC = {(byte) 0x8e, (byte) 0xad, (byte) 0xe8, 0x01, 0, 0, 0, 0};
    /** rpm's own limits (hdrchkTags / hdrchkData): more index entries or data is refused. */
    public static final int MAX_INDEX = 0xffff;
    public static final int MAX_DATA = 256 * 1024 * 1024;
    public static final int REGION_TAG_SIGNATURES = 62;
    public static final int REGION_TAG_IMMUTABLE = 63;

    private HeaderCodec() {
    }

    /** Encodes a header with its region entry first and the region trailer at the end of the data. */
    public static byte[] encode(Header header, int regionTag) {
        int il = header.entries().size() + 1;
        ByteArrayOutputStream data = new ByteArrayOutputStream(4096);
        ByteBuffer index = ByteBuffer.allocate(il * 16);
        index.position(16);
        for (HeaderEntry e : header.entries()) {
            int align = e.type().alignment();
            while (data.size() % align != 0) {
                data.write(0);
            }
            index.putInt(e.tag()).putInt(e.type().code()).putInt(data.size()).putInt(e.count());
            writeValue(data, e);
        }
        int trailerOffset = data.size();
        ByteBuffer trailer = ByteBuffer.allocate(16);
        trailer.putInt(regionTag).putInt(RpmType.BIN.code()).putInt(-(il * 16)).putInt(16);
        data.writeBytes(trailer.array());
        index.position(0);
        index.putInt(regionTag).putInt(RpmType.BIN.code()).putInt(trailerOffset).putInt(16);

        ByteBuffer out = ByteBuffer.allocate(16 + il * 16 + data.size());
        out.put(MAGIC).putInt(il).putInt(data.size()).put(index.array()).put(data.toByteArray());
        return out.array();
    }

    private static void writeValue(ByteArrayOutputStream data, HeaderEntry e) {
        switch (e.type()) {
            case NULL -> { }
            case CHAR, INT8, BIN -> data.writeBytes((byte[]) e.value());
            case INT16 -> {
                for (short s : (short[]) e.value()) {
                    data.write(s >>> 8 & 0xff);
                    data.write(s & 0xff);
                }
            }
            case INT32 -> {
                ByteBuffer b = ByteBuffer.allocate(4 * e.count());
                for (int v : (int[]) e.value()) {
                    b.putInt(v);
                }
                data.writeBytes(b.array());
            }
            case INT64 -> {
                ByteBuffer b = ByteBuffer.allocate(8 * e.count());
                for (long v : (long[]) e.value()) {
                    b.putLong(v);
                }
                data.writeBytes(b.array());
            }
            case STRING, STRING_ARRAY, I18NSTRING -> {
                for (String s : (String[]) e.value()) {
                    if (s.indexOf('\0') >= 0) {
                        throw new RpmFormatException("tag " + e.tag() + ": strings may not contain NUL");
                    }
                    data.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    data.write(0);
                }
            }
        }
    }

    /**
     * Total byte length (16-byte preamble + index + data) of the header whose first 16 bytes are given;
     * checks magic and rpm's size limits so callers never allocate an absurd buffer.
     */
    public static int totalLength(byte[] preamble, String what) {
        if (preamble.length < 16) {
            throw new RpmFormatException(what + ": truncated header preamble");
        }
        for (int i = 0; i < 3; i++) {
            if (preamble[i] != MAGIC[i]) {
                throw new RpmFormatException(what + ": bad header magic (not an RPM header)");
            }
        }
        if (preamble[3] != 1) {
            throw new RpmFormatException(what + ": unsupported header version " + preamble[3]);
        }
        ByteBuffer b = ByteBuffer.wrap(preamble, 8, 8);
        int il = b.getInt();
        int dl = b.getInt();
        if (il <= 0 || il > MAX_INDEX) {
            throw new RpmFormatException(what + ": index entry count " + il + " outside 1.." + MAX_INDEX);
        }
        if (dl < 0 || dl > MAX_DATA) {
            throw new RpmFormatException(what + ": data store size " + dl + " outside 0.." + MAX_DATA);
        }
        return 16 + il * 16 + dl;
    }

    /**
     * Decodes a complete header (as sized by {@link #totalLength}); hostile input gives RpmFormatException, and a
     * HeaderStructureException when an entry breaks rpm's rules: a type rpm does not know or another than the tag's
     * (see {@link TagTypes}), a count of 0, data outside the data store, and (for a header with a region) rpm's
     * index and region checks ({@link HeaderStructure}).
     */
    public static Header decode(byte[] blob, String what) {
        int total = totalLength(blob, what);
        if (blob.length < total) {
            throw new RpmFormatException(what + ": header truncated (" + blob.length + " of " + total + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(blob);
        int il = b.getInt(8);
        int dl = b.getInt(12);
        int dataStart = 16 + il * 16;
        int first = b.getInt(16);
        int region = first == REGION_TAG_SIGNATURES || first == REGION_TAG_IMMUTABLE ? first : 0;
        Header.Builder h = Header.builder();
        for (int i = 0; i < il; i++) {
            int p = 16 + i * 16;
            int tag = b.getInt(p);
            int typeCode = b.getInt(p + 4);
            int offset = b.getInt(p + 8);
            int count = b.getInt(p + 12);
            if (typeCode < RpmType.CHAR.code() || typeCode > RpmType.I18NSTRING.code()) {
                throw structure(what, i, tag, "has unknown type " + typeCode);
            }
            RpmType type = RpmType.of(typeCode);
            if (offset < 0 || offset > dl) {
                throw structure(what, i, tag, "offset " + offset + " outside data store of " + dl + " bytes");
            }
            if (count < 1 || count > dl) {
                throw structure(what, i, tag, "count " + count + " is " + (count < 1 ? "not positive" : "absurd"));
            }
            if (i == 0 && region != 0) {
                if (type != RpmType.BIN || count != 16 || offset + 16 > dl) {
                    throw new HeaderStructureException(what + ": malformed region entry");
                }
                continue;
            }
            if (offset % type.alignment() != 0) {
                throw structure(what, i, tag, "is misaligned");
            }
            java.util.Optional<String> typeProblem = TagTypes.problem(region == 0 ? REGION_TAG_IMMUTABLE : region,
                    tag, type, count);
            if (typeProblem.isPresent()) {
                throw new HeaderStructureException(what + ": " + typeProblem.get()
                        + "; the header is damaged or crafted");
            }
            h.put(readValue(blob, dataStart, dl, tag, type, offset, count, what));
        }
        if (region != 0) {
            byte[] exact = blob.length == total ? blob : java.util.Arrays.copyOf(blob, total);
            java.util.Optional<String> p = HeaderStructure.problem(exact, region);
            if (p.isPresent()) {
                throw new HeaderStructureException(what + ": " + p.get());
            }
        }
        return h.build();
    }

    private static HeaderStructureException structure(String what, int i, int tag, String problem) {
        return new HeaderStructureException(what + ": entry " + i + " (tag " + tag + ") " + problem);
    }

    private static HeaderEntry readValue(byte[] blob, int base, int dl, int tag, RpmType type, int offset,
                                         int count, String what) {
        int limit = dl - offset;
        int start = base + offset;
        String where = what + ": tag " + tag;
        switch (type) {
            case CHAR: case INT8: case BIN: {
                need(count, 1, limit, where);
                byte[] v = new byte[count];
                System.arraycopy(blob, start, v, 0, count);
                return new HeaderEntry(tag, type, v);
            }
            case INT16: {
                need(count, 2, limit, where);
                short[] v = new short[count];
                ByteBuffer.wrap(blob, start, count * 2).asShortBuffer().get(v);
                return new HeaderEntry(tag, type, v);
            }
            case INT32: {
                need(count, 4, limit, where);
                int[] v = new int[count];
                ByteBuffer.wrap(blob, start, count * 4).asIntBuffer().get(v);
                return new HeaderEntry(tag, type, v);
            }
            case INT64: {
                need(count, 8, limit, where);
                long[] v = new long[count];
                ByteBuffer.wrap(blob, start, count * 8).asLongBuffer().get(v);
                return new HeaderEntry(tag, type, v);
            }
            default: {
                if (type == RpmType.STRING && count != 1) {
                    throw new HeaderStructureException(where + ": STRING entry with count " + count);
                }
                String[] v = new String[count];
                int pos = start;
                int end = base + dl;
                for (int i = 0; i < count; i++) {
                    int z = pos;
                    while (z < end && blob[z] != 0) {
                        z++;
                    }
                    if (z >= end) {
                        throw new HeaderStructureException(where + ": string runs past the data store");
                    }
                    v[i] = new String(blob, pos, z - pos, StandardCharsets.UTF_8);
                    pos = z + 1;
                }
                return new HeaderEntry(tag, type, v);
            }
        }
    }

    private static void need(int count, int width, int limit, String where) {
        if ((long) count * width > limit) {
            throw new HeaderStructureException(where + ": " + count + " values run past the data store");
        }
    }

    /** Bytes needed after a signature header of this length to reach 8-byte alignment. */
    public static int padding8(long length) {
        return (int) ((8 - (length % 8)) % 8);
    }
}
