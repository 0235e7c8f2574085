package io.avalanche.rpm.elf;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads ELF identification, machine, interpreter, needed libraries and needed GLIBC symbol
 * versions (from .gnu.version_r, or from the dynamic segment when section headers are stripped).
 * Hostile input raises {@link ElfFormatException}; every offset and count is bounds-checked.
 */
public final class ElfInspector {
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_VERNEED = 0x6ffffffeL;
    private static final long DT_VERNEEDNUM = 0x6fffffffL;
    private static final int MAX_TABLE = 16 * 1024 * 1024;
    private static final int MAX_STRING = 4096;
    private static final int MAX_VERNEED = 1024 * 1024;
    private static final int MAX_ENTRIES = 65536;
    private static final Pattern GLIBC = Pattern.compile("GLIBC_(\\d+(?:\\.\\d+)*)");

    private final SeekableByteChannel ch;
    private final String name;
    private final long size;
    private ByteOrder order;
    private boolean is64;

    private ElfInspector(SeekableByteChannel ch, String name) throws IOException {
        this.ch = ch;
        this.name = name;
        this.size = ch.size();
    }

    /** Inspects a file; empty when it is not ELF. */
    public static Optional<ElfInfo> inspect(Path file) {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            return inspect(ch, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Inspects bytes held in memory; empty when they are not ELF. */
    public static Optional<ElfInfo> inspect(byte[] bytes, String name) {
        try {
            return inspect(new SeekableInMemoryByteChannel(bytes), name);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Inspects a stream (e.g. a file streamed out of an RPM payload): non-ELF content is recognised from
     * its first bytes and not buffered; ELF content is spooled to a temporary file in {@code scratchDir}
     * (deleted before returning) so that its tables can be read at random. The stream is not closed.
     */
    public static Optional<ElfInfo> inspect(InputStream in, String name, Path scratchDir) throws IOException {
        byte[] head = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(head, MAGIC)) {
            return Optional.empty();
        }
        Path tmp = Files.createTempFile(scratchDir, "elf", ".bin");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                in.transferTo(out);
            }
            try (SeekableByteChannel ch = Files.newByteChannel(tmp)) {
                return inspect(ch, name);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Inspects the channel's content from offset 0. */
    public static Optional<ElfInfo> inspect(SeekableByteChannel ch) throws IOException {
        return inspect(ch, "ELF file");
    }

    /** Inspects the channel's content from offset 0; {@code name} is used in messages. */
    public static Optional<ElfInfo> inspect(SeekableByteChannel ch, String name) throws IOException {
        return new ElfInspector(ch, name).run();
    }

    private Optional<ElfInfo> run() throws IOException {
        if (size < 16) {
            return Optional.empty();
        }
        ByteBuffer ident = read(0, 16, "e_ident");
        for (int i = 0; i < 4; i++) {
            if (ident.get(i) != MAGIC[i]) {
                return Optional.empty();
            }
        }
        int cls = ident.get(4);
        int data = ident.get(5);
        if (cls != 1 && cls != 2) {
            throw fail("EI_CLASS " + cls + " is neither 1 (32-bit) nor 2 (64-bit)");
        }
        if (data != 1 && data != 2) {
            throw fail("EI_DATA " + data + " is neither 1 (little-endian) nor 2 (big-endian)");
        }
        is64 = cls == 2;
        order = data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer h = read(0, is64 ? 64 : 52, "ELF header");
        int type = u16(h, 16);
        int machine = u16(h, 18);
        long phoff = is64 ? h.getLong(32) : u32(h, 28);
        long shoff = is64 ? h.getLong(40) : u32(h, 32);
        int phentsize = u16(h, is64 ? 54 : 42);
        int phnum = u16(h, is64 ? 56 : 44);
        int shentsize = u16(h, is64 ? 58 : 46);
        int shnum = u16(h, is64 ? 60 : 48);

        List<Segment> segments = programHeaders(phoff, phentsize, phnum);
        Optional<String> interp = Optional.empty();
        Segment dynamic = null;
        for (Segment s : segments) {
            if (s.type == PT_INTERP && interp.isEmpty()) {
                ByteBuffer b = read(s.offset, boundedLength(s.filesz, MAX_STRING, "PT_INTERP"), "PT_INTERP");
                interp = Optional.of(cString(b, 0, b.limit()));
            } else if (s.type == PT_DYNAMIC && dynamic == null) {
                dynamic = s;
            }
        }
        TreeSet<String> versions = new TreeSet<>(ElfInfo::compareVersions);
        List<String> needed = new ArrayList<>();
        boolean fromSections = sectionVersions(shoff, shentsize, shnum, versions);
        if (dynamic != null) {
            dynamicInfo(dynamic, segments, needed, fromSections ? null : versions);
        }
        return Optional.of(new ElfInfo(is64 ? 64 : 32, order == ByteOrder.LITTLE_ENDIAN, machine, type, interp,
                needed, new ArrayList<>(versions)));
    }

    private record Segment(int type, long offset, long vaddr, long filesz) {
    }

    private List<Segment> programHeaders(long phoff, int entsize, int num) throws IOException {
        List<Segment> out = new ArrayList<>();
        if (num == 0 || phoff == 0) {
            return out;
        }
        int min = is64 ? 56 : 32;
        if (entsize < min) {
            throw fail("e_phentsize " + entsize + " is smaller than " + min);
        }
        ByteBuffer t = read(phoff, boundedLength((long) entsize * num, MAX_TABLE, "program header table"),
                "program header table");
        for (int i = 0; i < num; i++) {
            int p = i * entsize;
            if (is64) {
                out.add(new Segment(t.getInt(p), t.getLong(p + 8), t.getLong(p + 16), t.getLong(p + 32)));
            } else {
                out.add(new Segment(t.getInt(p), u32(t, p + 4), u32(t, p + 8), u32(t, p + 16)));
            }
        }
        return out;
    }

    private record Section(int type, long offset, long size, int link, long info) {
    }

    /** Collects GLIBC versions from SHT_GNU_verneed; false when there are no usable section headers. */
    private boolean sectionVersions(long shoff, int entsize, int num, TreeSet<String> versions) throws IOException {
        if (num == 0 || shoff == 0) {
            return false;
        }
        int min = is64 ? 64 : 40;
        if (entsize < min) {
            throw fail("e_shentsize " + entsize + " is smaller than " + min);
        }
        ByteBuffer t = read(shoff, boundedLength((long) entsize * num, MAX_TABLE, "section header table"),
                "section header table");
        List<Section> sections = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            int p = i * entsize;
            if (is64) {
                sections.add(new Section(t.getInt(p + 4), t.getLong(p + 24), t.getLong(p + 32), t.getInt(p + 40),
                        u32(t, p + 44)));
            } else {
                sections.add(new Section(t.getInt(p + 4), u32(t, p + 16), u32(t, p + 20), t.getInt(p + 24),
                        u32(t, p + 28)));
            }
        }
        boolean found = false;
        for (Section s : sections) {
            if (s.type != SHT_GNU_VERNEED) {
                continue;
            }
            if (s.link < 0 || s.link >= sections.size()) {
                throw fail(".gnu.version_r sh_link " + s.link + " is not a section index (0.." + (num - 1) + ")");
            }
            Section str = sections.get(s.link);
            ByteBuffer vn = read(s.offset, boundedLength(s.size, MAX_TABLE, ".gnu.version_r"), ".gnu.version_r");
            ByteBuffer strtab = read(str.offset, boundedLength(str.size, MAX_TABLE, ".dynstr"), ".dynstr");
            walkVerneed(vn, s.info, strtab, versions);
            found = true;
        }
        return found;
    }

    private void dynamicInfo(Segment dyn, List<Segment> segments, List<String> needed, TreeSet<String> versions)
            throws IOException {
        int entsize = is64 ? 16 : 8;
        ByteBuffer d = read(dyn.offset, boundedLength(dyn.filesz, MAX_TABLE, "PT_DYNAMIC"), "PT_DYNAMIC");
        long strtab = -1;
        long strsz = -1;
        long verneed = -1;
        long verneednum = 0;
        List<Long> neededOffsets = new ArrayList<>();
        for (int p = 0; p + entsize <= d.limit(); p += entsize) {
            long tag = is64 ? d.getLong(p) : d.getInt(p);
            long val = is64 ? d.getLong(p + 8) : u32(d, p + 4);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_NEEDED) {
                if (neededOffsets.size() < MAX_ENTRIES) {
                    neededOffsets.add(val);
                }
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_STRSZ) {
                strsz = val;
            } else if (tag == DT_VERNEED) {
                verneed = val;
            } else if (tag == DT_VERNEEDNUM) {
                verneednum = val;
            }
        }
        if (strtab < 0 || strsz < 0) {
            if (!neededOffsets.isEmpty() || verneed >= 0) {
                throw fail("dynamic segment has DT_NEEDED/DT_VERNEED but no DT_STRTAB/DT_STRSZ");
            }
            return;
        }
        long strOff = fileOffset(strtab, segments, "DT_STRTAB");
        ByteBuffer str = read(strOff, boundedLength(strsz, MAX_TABLE, "DT_STRSZ"), "dynamic string table");
        for (long off : neededOffsets) {
            needed.add(string(str, off, "DT_NEEDED"));
        }
        if (versions != null && verneed >= 0) {
            long vnOff = fileOffset(verneed, segments, "DT_VERNEED");
            long avail = Math.min(Math.min(size - vnOff, segmentRest(verneed, segments)), MAX_VERNEED);
            ByteBuffer vn = read(vnOff, (int) avail, "DT_VERNEED table");
            walkVerneed(vn, verneednum, str, versions);
        }
    }

    private void walkVerneed(ByteBuffer vn, long count, ByteBuffer strtab, TreeSet<String> versions) {
        if (count < 0 || count > MAX_ENTRIES) {
            throw fail("verneed count " + count + " is absurd (at most " + MAX_ENTRIES + ")");
        }
        long off = 0;
        int visits = 0;
        for (long i = 0; i < count; i++) {
            if (off < 0 || off + 16 > vn.limit()) {
                throw fail("verneed entry " + i + " at offset " + off + " is outside the table (" + vn.limit()
                        + " bytes)");
            }
            int p = (int) off;
            int cnt = u16(vn, p + 2);
            long aux = u32(vn, p + 8);
            long next = u32(vn, p + 12);
            long a = off + aux;
            for (int j = 0; j < cnt; j++) {
                if (++visits > MAX_ENTRIES) {
                    throw fail("verneed has more than " + MAX_ENTRIES + " version entries (a loop?)");
                }
                if (a < 0 || a + 16 > vn.limit()) {
                    throw fail("vernaux entry at offset " + a + " is outside the table (" + vn.limit() + " bytes)");
                }
                int q = (int) a;
                String ver = string(strtab, u32(vn, q + 8), "vna_name");
                var m = GLIBC.matcher(ver);
                if (m.matches()) {
                    versions.add(m.group(1));
                }
                long an = u32(vn, q + 12);
                if (an == 0) {
                    break;
                }
                a += an;
            }
            if (next == 0) {
                break;
            }
            off += next;
        }
    }

    private long fileOffset(long vaddr, List<Segment> segments, String what) {
        for (Segment s : segments) {
            if (s.type == PT_LOAD && vaddr >= s.vaddr && s.filesz >= 0 && vaddr - s.vaddr < s.filesz) {
                long off = s.offset + (vaddr - s.vaddr);
                if (off < 0 || off >= size) {
                    break;
                }
                return off;
            }
        }
        throw fail(what + " address 0x" + Long.toHexString(vaddr) + " is not inside any PT_LOAD segment of the file");
    }

    /** Bytes of file data left in the PT_LOAD segment holding this (already validated) address. */
    private static long segmentRest(long vaddr, List<Segment> segments) {
        for (Segment s : segments) {
            if (s.type == PT_LOAD && vaddr >= s.vaddr && s.filesz >= 0 && vaddr - s.vaddr < s.filesz) {
                return s.filesz - (vaddr - s.vaddr);
            }
        }
        return 0;
    }

    private String string(ByteBuffer table, long off, String what) {
        if (off < 0 || off >= table.limit()) {
            throw fail(what + " string offset " + off + " is outside the string table (" + table.limit() + " bytes)");
        }
        return cString(table, (int) off, (int) Math.min(table.limit(), off + MAX_STRING));
    }

    private static String cString(ByteBuffer b, int from, int to) {
        int end = from;
        while (end < to && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - from];
        b.get(from, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    private int boundedLength(long len, int max, String what) {
        if (len < 0 || len > max) {
            throw fail(what + " size " + len + " is outside 0.." + max);
        }
        return (int) len;
    }

    private ByteBuffer read(long offset, int len, String what) throws IOException {
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

    private static int u16(ByteBuffer b, int p) {
        return Short.toUnsignedInt(b.getShort(p));
    }

    private static long u32(ByteBuffer b, int p) {
        return Integer.toUnsignedLong(b.getInt(p));
    }

    private ElfFormatException fail(String what) {
        return new ElfFormatException(name + ": malformed ELF: " + what);
    }
}
