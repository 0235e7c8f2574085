package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;

import java.util.Locale;

/** Target architectures with their `uname -m`, Docker TARGETARCH and RPM names. */
public enum Arch {
    X86_64("x86_64", "amd64", 1, "x86-64", 62),
    AARCH64("aarch64", "arm64", 19, "aarch-64", 183),
    NOARCH("noarch", null, 0, null, 0);

    private final String rpmName;
    private final String dockerName;
    private final int leadNumber;
    private final String isa;
    private final int elfMachine;

    Arch(String rpmName, String dockerName, int leadNumber, String isa, int elfMachine) {
        this.rpmName = rpmName;
        this.dockerName = dockerName;
        this.leadNumber = leadNumber;
        this.isa = isa;
        this.elfMachine = elfMachine;
    }

    /** RPM arch, as in package file names and the ARCH tag. */
    public String rpm() {
        return rpmName;
    }

    /** Docker / Go TARGETARCH name (amd64, arm64); null for noarch. */
    public String docker() {
        return dockerName;
    }

    public int leadNumber() {
        return leadNumber;
    }

    /** The ISA suffix rpmbuild adds to self-provides, e.g. "x86-64"; null for noarch. */
    public String isa() {
        return isa;
    }

    /** ELF e_machine value of binaries for this arch; 0 for noarch. */
    public int elfMachine() {
        return elfMachine;
    }

    /** Accepts `uname -m`, Docker TARGETARCH or RPM names: x86_64, amd64, aarch64, arm64, noarch. */
    public static Arch parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "x86_64", "amd64", "x86-64", "x64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            case "noarch" -> NOARCH;
            default -> throw new SpecException("unknown architecture '" + s
                    + "': use x86_64 (amd64) or aarch64 (arm64)");
        };
    }

    /** The architecture of the running JVM's machine. */
    public static Arch host() {
        return parse(System.getProperty("os.arch"));
    }
}
