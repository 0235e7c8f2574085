package io.avalanche.rpm.elf;

import io.avalanche.rpm.validate.TestBinaries;
import io.avalanche.rpm.validate.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class ElfInspectorTest {
    @TempDir
    static Path dir;
    static Path x86;
    static Path newGlibc;
    static Path arm;
    static Path armNewGlibc;

    @BeforeAll
    static void compile() {
        x86 = TestBinaries.compile(dir, "x86", "abc123", TestBinaries.Kind.X86_64);
        newGlibc = TestBinaries.compile(dir, "newglibc", "abc123", TestBinaries.Kind.NEW_GLIBC);
        arm = TestBinaries.compile(dir, "arm", "abc123", TestBinaries.Kind.AARCH64);
        armNewGlibc = TestBinaries.compile(dir, "armnewglibc", "abc123", TestBinaries.Kind.AARCH64_NEW_GLIBC);
    }

    /** GLIBC versions readelf (binutils) lists in the version-needs section. */
    static TreeSet<String> readelfGlibc(Path f) {
        String out = Tools.ok(dir, "readelf", "-V", "--wide", f.toString());
        TreeSet<String> s = new TreeSet<>(ElfInfo::compareVersions);
        Matcher m = Pattern.compile("Name: GLIBC_(\\d+(?:\\.\\d+)*)\\s").matcher(out);
        while (m.find()) {
            s.add(m.group(1));
        }
        return s;
    }

    static String readelfInterp(Path f) {
        Matcher m = Pattern.compile("Requesting program interpreter: ([^\\]]+)]")
                .matcher(Tools.ok(dir, "readelf", "-l", "--wide", f.toString()));
        return m.find() ? m.group(1) : null;
    }

    @Test
    void nativeBinaryMatchesReadelf() {
        ElfInfo info = ElfInspector.inspect(x86).orElseThrow();
        assertThat(info.elfClass()).isEqualTo(64);
        assertThat(info.littleEndian()).isTrue();
        assertThat(info.machine()).isEqualTo(ElfInfo.EM_X86_64);
        assertThat(info.machineName()).isEqualTo("x86_64");
        assertThat(info.interpreter()).contains(readelfInterp(x86));
        assertThat(info.glibcVersions()).containsExactlyElementsOf(readelfGlibc(x86)).isNotEmpty();
        assertThat(info.neededLibraries()).contains("libc.so.6");
        assertThat(info.glibcNewerThan("2.34")).isEmpty();
    }

    @Test
    void arc4randomNeedsGlibc236() {
        assertThat(Tools.ok(dir, "objdump", "-T", newGlibc.toString())).contains("GLIBC_2.36");
        ElfInfo info = ElfInspector.inspect(newGlibc).orElseThrow();
        assertThat(info.glibcVersions()).containsExactlyElementsOf(readelfGlibc(newGlibc));
        assertThat(info.maxGlibc()).contains("2.36");
        assertThat(info.glibcNewerThan("2.34")).containsExactly("2.36");
        assertThat(info.glibcNewerThan("2.36")).isEmpty();
    }

    @Test
    void aarch64Binary() {
        ElfInfo info = ElfInspector.inspect(arm).orElseThrow();
        assertThat(info.machine()).isEqualTo(183);
        assertThat(info.machineName()).isEqualTo("aarch64");
        assertThat(info.interpreter()).contains(readelfInterp(arm));
        assertThat(info.glibcVersions()).containsExactlyElementsOf(readelfGlibc(arm)).isNotEmpty();
    }

    @Test
    void aarch64Arc4randomNeedsGlibc236() {
        ElfInfo info = ElfInspector.inspect(armNewGlibc).orElseThrow();
        assertThat(info.machine()).isEqualTo(183);
        assertThat(info.glibcVersions()).containsExactlyElementsOf(readelfGlibc(armNewGlibc));
        assertThat(info.glibcNewerThan("2.34")).containsExactly("2.36");
    }

    @Test
    void strippedSectionHeadersFallBackToDynamicSegment() throws IOException {
        for (Path f : new Path[] {x86, newGlibc, arm}) {
            byte[] b = Files.readAllBytes(f);
            ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(40, 0);          // e_shoff
            h.putShort(60, (short) 0); // e_shnum
            h.putShort(62, (short) 0); // e_shstrndx
            ElfInfo stripped = ElfInspector.inspect(b, f + " (sstrip)").orElseThrow();
            ElfInfo full = ElfInspector.inspect(f).orElseThrow();
            assertThat(stripped.glibcVersions()).isEqualTo(full.glibcVersions()).isNotEmpty();
            assertThat(stripped.neededLibraries()).isEqualTo(full.neededLibraries());
        }
    }

    @Test
    void streamInputSpoolsOnlyElf() throws IOException {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        try (var in = Files.newInputStream(arm)) {
            assertThat(ElfInspector.inspect(in, "arm-stream", scratch)).isEqualTo(ElfInspector.inspect(arm));
        }
        try (var in = new java.io.ByteArrayInputStream("#!/bin/sh\n".getBytes())) {
            assertThat(ElfInspector.inspect(in, "script", scratch)).isEmpty();
        }
        try (var s = Files.list(scratch)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void nonElfIsEmpty() {
        assertThat(ElfInspector.inspect("#!/bin/sh\necho hi\n".getBytes(), "script")).isEmpty();
        assertThat(ElfInspector.inspect(new byte[0], "empty")).isEmpty();
        assertThat(ElfInspector.inspect(new byte[] {0x7f, 'E', 'L'}, "short")).isEmpty();
    }

    @Test
    void truncatedHeaderIsTypedError() {
        byte[] b = Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 20);
        assertThatThrownBy(() -> ElfInspector.inspect(b, "trunc.elf"))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("trunc.elf");
    }

    @Test
    void absurdProgramHeaderCountIsTypedError() throws IOException {
        byte[] b = Files.readAllBytes(x86);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(32, Long.MAX_VALUE - 10); // e_phoff
        assertThatThrownBy(() -> ElfInspector.inspect(b, "bad-phoff"))
                .isInstanceOf(ElfFormatException.class).hasMessageContaining("program header table");
    }

    @Test
    void hostileMutationsNeverEscapeAsOtherExceptions() throws IOException {
        Random rnd = new Random(7);
        for (Path f : new Path[] {x86, arm}) {
            byte[] orig = Files.readAllBytes(f);
            long shoff = ByteBuffer.wrap(orig).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
            for (int i = 0; i < 3000; i++) {
                byte[] b = orig.clone();
                int kind = i % 3;
                if (kind == 0) {
                    b = Arrays.copyOf(orig, rnd.nextInt(orig.length));
                } else {
                    int n = 1 + rnd.nextInt(8);
                    for (int k = 0; k < n; k++) {
                        int region = kind == 1 ? Math.min(4096, b.length) : b.length - (int) shoff;
                        int base = kind == 1 ? 0 : (int) shoff;
                        b[base + rnd.nextInt(region)] = (byte) rnd.nextInt(256);
                    }
                }
                try {
                    Optional<ElfInfo> r = ElfInspector.inspect(b, "mutant");
                    r.ifPresent(info -> assertThat(info.glibcVersions()).isNotNull());
                } catch (ElfFormatException expected) {
                    assertThat(expected).hasMessageContaining("mutant: malformed ELF");
                } catch (RuntimeException | OutOfMemoryError e) {
                    fail("mutation " + i + " escaped as " + e, e);
                }
            }
        }
    }
}
