package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.elf.ElfInfo;
import io.avalanche.rpm.elf.ElfInspector;
import io.avalanche.rpm.format.PayloadFiles;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ELF gate: every ELF file of a package (executables, shared objects and any other ELF object, whatever its
 * mode: a 0644 library is loaded all the same) must be built for the package's arch and need no {@code GLIBC_x.y}
 * newer than the target's glibc.
 */
public final class ElfGate {
    private final String targetGlibc;

    public ElfGate(String targetGlibc) {
        this.targetGlibc = targetGlibc;
    }

    /** What the gate found in one package: problems (empty when it passes) and the ELF files seen. */
    public record Report(List<String> problems, List<String> inspected) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * Inspects every regular file of the payload (non-ELF content is recognised from its magic and skipped); spools
     * each ELF file to {@code scratch} so it can be read at random.
     */
    public Report check(Path rpm, Path scratch) {
        String label = PathNames.name(rpm);
        List<String> problems = new ArrayList<>();
        List<String> inspected = new ArrayList<>();
        try (SeekableByteChannel ch = Files.newByteChannel(rpm, StandardOpenOption.READ)) {
            RpmPackage pkg = RpmReader.read(ch, label);
            String arch = pkg.arch();
            Optional<Integer> machine = ElfInfo.machineForRpmArch(arch);
            Files.createDirectories(scratch);
            PayloadFiles.forEach(pkg, ch, (path, mode, size, content) -> {
                Optional<ElfInfo> info;
                try {
                    info = ElfInspector.inspect(content, label + ":" + path, scratch);
                } catch (RpmException e) {
                    problems.add(e.getMessage());
                    return;
                }
                if (info.isEmpty()) {
                    return;
                }
                ElfInfo elf = info.get();
                inspected.add(path + " (" + elf.machineName() + elf.maxGlibc().map(v -> ", GLIBC_" + v).orElse("")
                        + ")");
                if ("noarch".equals(arch)) {
                    problems.add(label + ": " + path + " is an ELF for " + elf.machineName() + " in a noarch package;"
                            + " build the package for " + elf.machineName() + "'s arch");
                } else if (machine.isPresent() && elf.machine() != machine.get()) {
                    problems.add(label + ": " + path + " is an ELF for " + elf.machineName() + " (e_machine "
                            + elf.machine() + ") but the package arch is " + arch
                            + "; rebuild the binary for " + arch);
                }
                List<String> newer = elf.glibcNewerThan(targetGlibc);
                if (!newer.isEmpty()) {
                    problems.add(label + ": " + path + " needs GLIBC_" + newer.get(newer.size() - 1)
                            + " but the target has glibc " + targetGlibc + " (needs " + newer.stream()
                            .map(v -> "GLIBC_" + v).toList() + "); build against glibc " + targetGlibc
                            + " or older");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot read the payload: " + IoErrors.why(e), e);
        }
        return new Report(problems, inspected);
    }
}
