package io.avalanche.rpm.elf;

import java.util.List;
import java.util.Optional;

/**
 * What the ELF inspector learned about one file: class, byte order, machine, program interpreter,
 * needed libraries and every {@code GLIBC_x.y} version it needs (sorted ascending).
 */
public record ElfInfo(int elfClass, boolean littleEndian, int machine, int type, Optional<String> interpreter,
                      List<String> neededLibraries, List<String> glibcVersions) {
    public static final int EM_386 = 3;
    public static final int EM_ARM = 40;
    public static final int EM_PPC64 = 21;
    public static final int EM_S390 = 22;
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_RISCV = 243;

    public ElfInfo {
        neededLibraries = List.copyOf(neededLibraries);
        glibcVersions = List.copyOf(glibcVersions);
    }

    /** The newest {@code GLIBC_x.y} version needed, e.g. "2.34", or empty when none. */
    public Optional<String> maxGlibc() {
        return glibcVersions.isEmpty() ? Optional.empty() : Optional.of(glibcVersions.get(glibcVersions.size() - 1));
    }

    /** Needed GLIBC versions strictly newer than {@code target} (e.g. "2.34"). */
    public List<String> glibcNewerThan(String target) {
        return glibcVersions.stream().filter(v -> compareVersions(v, target) > 0).toList();
    }

    /** A readable machine name: "x86_64", "aarch64", ..., or "machine N". */
    public String machineName() {
        return machineName(machine);
    }

    public static String machineName(int machine) {
        return switch (machine) {
            case EM_386 -> "i386";
            case EM_ARM -> "arm";
            case EM_PPC64 -> "ppc64";
            case EM_S390 -> "s390";
            case EM_X86_64 -> "x86_64";
            case EM_AARCH64 -> "aarch64";
            case EM_RISCV -> "riscv";
            default -> "machine " + machine;
        };
    }

    /** The ELF machine an RPM arch runs, or empty when the arch has no single machine (noarch). */
    public static Optional<Integer> machineForRpmArch(String rpmArch) {
        return Optional.ofNullable(switch (rpmArch) {
            case "x86_64" -> EM_X86_64;
            case "aarch64" -> EM_AARCH64;
            case "i386", "i486", "i586", "i686" -> EM_386;
            case "armv7hl", "armv7l", "armhfp" -> EM_ARM;
            case "ppc64le", "ppc64" -> EM_PPC64;
            case "s390x" -> EM_S390;
            case "riscv64" -> EM_RISCV;
            default -> null;
        });
    }

    /** Compares dotted numeric versions ("2.9" < "2.34"); non-numeric parts compare as text. */
    public static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c;
            if (p.matches("\\d{1,9}") && q.matches("\\d{1,9}")) {
                c = Integer.compare(Integer.parseInt(p), Integer.parseInt(q));
            } else {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
