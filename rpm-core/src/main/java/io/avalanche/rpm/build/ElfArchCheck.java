package io.avalanche.rpm.build;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Refuses an ELF file whose machine does not match the package arch (reads 20 bytes, nothing more). */
public final class ElfArchCheck {
    private ElfArchCheck() {
    }

    /** The ELF e_machine of a file, or -1 when it is not an ELF file. */
    public static int machine(Path file) {
        byte[] h = new byte[20];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(h, 0, 20);
            if (n < 20 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
                return -1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        boolean little = h[5] == 1;
        return little ? (h[18] & 0xff) | (h[19] & 0xff) << 8 : (h[18] & 0xff) << 8 | (h[19] & 0xff);
    }

    /** Throws SpecException naming both arches when an ELF file is for another machine. */
    public static void require(Path file, Arch arch) {
        int m = machine(file);
        if (m < 0 || m == arch.elfMachine()) {
            return;
        }
        throw new SpecException(file + " is an ELF binary for " + machineName(m) + ", but the package arch is "
                + arch.rpm() + ": build it for " + arch.rpm() + " or package it with --arch " + machineName(m));
    }

    static String machineName(int m) {
        for (Arch a : Arch.values()) {
            if (a.elfMachine() == m && a != Arch.NOARCH) {
                return a.rpm();
            }
        }
        return "ELF machine " + m;
    }
}
