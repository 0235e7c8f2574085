package io.avalanche.rpm.write;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.elf.ElfInfo;
import io.avalanche.rpm.elf.ElfInspector;

import java.nio.file.Path;
import java.util.Optional;

/** Refuses an ELF file whose machine does not match the package arch, naming both. */
public final class ElfArchCheck {
    private ElfArchCheck() {
    }

    /** Throws SpecException when {@code file} is an ELF binary for another machine than {@code arch}. */
    public static void require(Path file, Arch arch) {
        Optional<ElfInfo> elf = ElfInspector.inspect(file);
        if (elf.isEmpty() || elf.get().machine() == arch.elfMachine()) {
            return;
        }
        String found = elf.get().machineName();
        throw new SpecException(file + " is an ELF binary for " + found + ", but the package arch is " + arch.rpm()
                + (arch == Arch.NOARCH ? ": architecture-specific binaries cannot go into a noarch package"
                : ": build it for " + arch.rpm() + " or package it for " + found));
    }
}
