package io.avalanche.rpm.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.avalanche.rpm.elf.ElfReader.MAX_TABLE;
import static io.avalanche.rpm.elf.ElfReader.u16;
import static io.avalanche.rpm.elf.ElfReader.u32;

/**
 * What an ELF file needs from others, for {@link ElfInspector}: its DT_NEEDED libraries and the GLIBC symbol versions
 * it needs, from .gnu.version_r or, when section headers are stripped, from the dynamic segment.
 */
final class ElfDependencies {
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_VERNEED = 0x6ffffffeL;
    private static final long DT_VERNEEDNUM = 0x6fffffffL;
    private static final int MAX_VERNEED = 1024 * 1024;
    private static final int MAX_ENTRIES = 65536;
    private static final Pattern GLIBC = Pattern.compile("GLIBC_(\\d+(?:\\.\\d+)*)");

    private final ElfReader r;
    private final boolean is64;

    ElfDependencies(ElfReader r) {
        this.r = r;
        this.is64 = r.is64;
    }

    private record Section(int type, long offset, long size, int link, long info) {
    }

    /** Collects GLIBC versions from SHT_GNU_verneed; false when there are no usable section headers. */
    boolean sectionVersions(long shoff, int entsize, int num, TreeSet<String> versions) throws IOException {
        ByteBuffer t = r.table(shoff, entsize, num, is64 ? 64 : 40, "e_shentsize", "section header table");
        if (t == null) {
            return false;
        }
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
                throw r.fail(".gnu.version_r sh_link " + s.link + " is not a section index (0.." + (num - 1) + ")");
            }
            Section str = sections.get(s.link);
            ByteBuffer vn = r.read(s.offset, r.boundedLength(s.size, MAX_TABLE, ".gnu.version_r"), ".gnu.version_r");
            ByteBuffer strtab = r.read(str.offset, r.boundedLength(str.size, MAX_TABLE, ".dynstr"), ".dynstr");
            walkVerneed(vn, s.info, strtab, versions);
            found = true;
        }
        return found;
    }

    /** The needed libraries and, when {@code versions} is not null, the GLIBC versions of the dynamic segment. */
    void dynamicInfo(ElfInspector.Segment dyn, List<ElfInspector.Segment> segments, List<String> needed,
                     TreeSet<String> versions) throws IOException {
        int entsize = is64 ? 16 : 8;
        ByteBuffer d = r.read(dyn.offset(), r.boundedLength(dyn.filesz(), MAX_TABLE, "PT_DYNAMIC"), "PT_DYNAMIC");
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
                throw r.fail("dynamic segment has DT_NEEDED/DT_VERNEED but no DT_STRTAB/DT_STRSZ");
            }
            return;
        }
        long strOff = fileOffset(strtab, segments, "DT_STRTAB");
        ByteBuffer str = r.read(strOff, r.boundedLength(strsz, MAX_TABLE, "DT_STRSZ"), "dynamic string table");
        for (long off : neededOffsets) {
            needed.add(r.string(str, off, "DT_NEEDED"));
        }
        if (versions != null && verneed >= 0) {
            long vnOff = fileOffset(verneed, segments, "DT_VERNEED");
            long avail = Math.min(Math.min(r.size - vnOff, segmentRest(verneed, segments)), MAX_VERNEED);
            ByteBuffer vn = r.read(vnOff, (int) avail, "DT_VERNEED table");
            walkVerneed(vn, verneednum, str, versions);
        }
    }

    private void walkVerneed(ByteBuffer vn, long count, ByteBuffer strtab, TreeSet<String> versions) {
        if (count < 0 || count > MAX_ENTRIES) {
            throw r.fail("verneed count " + count + " is absurd (at most " + MAX_ENTRIES + ")");
        }
        long off = 0;
        int visits = 0;
        for (long i = 0; i < count; i++) {
            if (off < 0 || off + 16 > vn.limit()) {
                throw r.fail("verneed entry " + i + " at offset " + off + " is outside the table (" + vn.limit()
                        + " bytes)");
            }
            int p = (int) off;
            int cnt = u16(vn, p + 2);
            long aux = u32(vn, p + 8);
            long next = u32(vn, p + 12);
            long a = off + aux;
            for (int j = 0; j < cnt; j++) {
                if (++visits > MAX_ENTRIES) {
                    throw r.fail("verneed has more than " + MAX_ENTRIES + " version entries (a loop?)");
                }
                if (a < 0 || a + 16 > vn.limit()) {
                    throw r.fail("vernaux entry at offset " + a + " is outside the table (" + vn.limit() + " bytes)");
                }
                int q = (int) a;
                String ver = r.string(strtab, u32(vn, q + 8), "vna_name");
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

    private long fileOffset(long vaddr, List<ElfInspector.Segment> segments, String what) {
        for (ElfInspector.Segment s : segments) {
            if (s.holds(vaddr)) {
                long off = s.offset() + (vaddr - s.vaddr());
                if (off < 0 || off >= r.size) {
                    break;
                }
                return off;
            }
        }
        throw r.fail(what + " address 0x" + Long.toHexString(vaddr) + " is not inside any PT_LOAD segment of the file");
    }

    /** Bytes of file data left in the PT_LOAD segment holding this (already validated) address. */
    private static long segmentRest(long vaddr, List<ElfInspector.Segment> segments) {
        for (ElfInspector.Segment s : segments) {
            if (s.holds(vaddr)) {
                return s.filesz() - (vaddr - s.vaddr());
            }
        }
        return 0;
    }
}
