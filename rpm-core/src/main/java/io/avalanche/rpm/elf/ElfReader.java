package io.avalanche.rpm.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads of one ELF file for {@link ElfInspector}: every offset, length and count is checked against
 * the file and a cap before anything is allocated; a failure names the file and the field.
 */
final class ElfReader {
    static final int MAX_TABLE = 16 * 1024 * 1024;
    static final int MAX_STRING = 4096;

    final String name;
    final long size;
    private final SeekableByteChannel ch;
    /** The file's byte order and class, once its identification is read. */
    ByteOrder order;
    boolean is64;

    ElfReader(SeekableByteChannel ch, String name) throws IOException {
        this.ch = ch;
        this.name = name;
        this.size = ch.size();
    }

    /**
     * A table of {@code num} entries of {@code entsize} bytes at {@code offset}, each at least {@code min} bytes
     * ({@code entsizeField} names the field that says so); null when the file has none.
     */
    ByteBuffer table(long offset, int entsize, int num, int min, String entsizeField, String what)
            throws IOException {
        if (num == 0 || offset == 0) {
            return null;
        }
        if (entsize < min) {
            throw fail(entsizeField + " " + entsize + " is smaller than " + min);
        }
        return read(offset, boundedLength((long) entsize * num, MAX_TABLE, what), what);
    }

    String string(ByteBuffer table, long off, String what) {
        if (off < 0 || off >= table.limit()) {
            throw fail(what + " string offset " + off + " is outside the string table (" + table.limit() + " bytes)");
        }
        return cString(table, (int) off, (int) Math.min(table.limit(), off + MAX_STRING));
    }

    static String cString(ByteBuffer b, int from, int to) {
        int end = from;
        while (end < to && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - from];
        b.get(from, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    int boundedLength(long len, int max, String what) {
        if (len < 0 || len > max) {
            throw fail(what + " size " + len + " is outside 0.." + max);
        }
        return (int) len;
    }

    ByteBuffer read(long offset, int len, String what) throws IOException {
        if (offset < 0 || len < 0 || offset > size || size - offset < len) {
            throw fail(what + " at offset " + offset + " (" + len + " bytes) runs past the end of the file ("
                    + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        ch.position(offset);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw fail("unexpected end of file in " + what);
            }
        }
        b.flip();
        return b.order(order == null ? ByteOrder.LITTLE_ENDIAN : order);
    }

    static int u16(ByteBuffer b, int p) {
        return Short.toUnsignedInt(b.getShort(p));
    }

    static long u32(ByteBuffer b, int p) {
        return Integer.toUnsignedLong(b.getInt(p));
    }

    ElfFormatException fail(String what) {
        return new ElfFormatException(name + ": malformed ELF: " + what);
    }
}
