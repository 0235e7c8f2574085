package io.avalanche.rpm.elf;

import io.avalanche.rpm.IoErrors;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static io.avalanche.rpm.elf.ElfReader.u16;
import static io.avalanche.rpm.elf.ElfReader.u32;

/**
 * Reads ELF identification, machine, interpreter, needed libraries and needed GLIBC symbol versions (from
 * .gnu.version_r, or from the dynamic segment when section headers are stripped: {@link ElfDependencies}).
 * Hostile input raises {@link ElfFormatException}; every offset and count is bounds-checked ({@link ElfReader}).
 */
public final class ElfInspector {
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;

    private final ElfReader r;

    private ElfInspector(SeekableByteChannel ch, String name) throws IOException {
        this.r = new ElfReader(ch, name);
    }

    /** Inspects a file; empty when it is not ELF. */
    public static Optional<ElfInfo> inspect(Path file) {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            return inspect(ch, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    /** Inspects bytes held in memory; empty when they are not ELF. */
    public static Optional<ElfInfo> inspect(byte[] bytes, String name) {
        try {
            return inspect(new SeekableInMemoryByteChannel(bytes), name);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + IoErrors.why(e), e);
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
        if (r.size < 16) {
            return Optional.empty();
        }
        ByteBuffer ident = r.read(0, 16, "e_ident");
        for (int i = 0; i < 4; i++) {
            if (ident.get(i) != MAGIC[i]) {
                return Optional.empty();
            }
        }
        int cls = ident.get(4);
        int data = ident.get(5);
        if (cls != 1 && cls != 2) {
            throw r.fail("EI_CLASS " + cls + " is neither 1 (32-bit) nor 2 (64-bit)");
        }
        if (data != 1 && data != 2) {
            throw r.fail("EI_DATA " + data + " is neither 1 (little-endian) nor 2 (big-endian)");
        }
        boolean is64 = cls == 2;
        r.is64 = is64;
        r.order = data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer h = r.read(0, is64 ? 64 : 52, "ELF header");
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
                ByteBuffer b = r.read(s.offset, r.boundedLength(s.filesz, ElfReader.MAX_STRING, "PT_INTERP"),
                        "PT_INTERP");
                interp = Optional.of(ElfReader.cString(b, 0, b.limit()));
            } else if (s.type == PT_DYNAMIC && dynamic == null) {
                dynamic = s;
            }
        }
        TreeSet<String> versions = new TreeSet<>(ElfInfo::compareVersions);
        List<String> needed = new ArrayList<>();
        ElfDependencies deps = new ElfDependencies(r);
        boolean fromSections = deps.sectionVersions(shoff, shentsize, shnum, versions);
        if (dynamic != null) {
            deps.dynamicInfo(dynamic, segments, needed, fromSections ? null : versions);
        }
        return Optional.of(new ElfInfo(is64 ? 64 : 32, r.order == ByteOrder.LITTLE_ENDIAN, machine, type, interp,
                needed, new ArrayList<>(versions)));
    }

    /** A program header: its type, where its bytes are in the file, and where they are loaded. */
    record Segment(int type, long offset, long vaddr, long filesz) {
        /** True when this is a PT_LOAD segment whose file bytes hold the address. */
        boolean holds(long address) {
            return type == PT_LOAD && address >= vaddr && filesz >= 0 && address - vaddr < filesz;
        }
    }

    private List<Segment> programHeaders(long phoff, int entsize, int num) throws IOException {
        List<Segment> out = new ArrayList<>();
        ByteBuffer t = r.table(phoff, entsize, num, r.is64 ? 56 : 32, "e_phentsize", "program header table");
        if (t == null) {
            return out;
        }
        for (int i = 0; i < num; i++) {
            int p = i * entsize;
            if (r.is64) {
                out.add(new Segment(t.getInt(p), t.getLong(p + 8), t.getLong(p + 16), t.getLong(p + 32)));
            } else {
                out.add(new Segment(t.getInt(p), u32(t, p + 4), u32(t, p + 8), u32(t, p + 16)));
            }
        }
        return out;
    }
}
