package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.SpecException;

import java.util.List;

/** Which release to validate: tag, RPM arch and package names; knows the published file names. */
public record ReleaseRef(String tag, String rpmArch, List<String> names) {
    public static final List<String> DEFAULT_NAMES = List.of("avalanchego", "subnet-evm");

    public ReleaseRef {
        tag = ReleaseTag.parse(tag).tag();
        rpmArch = rpmArch(rpmArch);
        names = List.copyOf(names);
    }

    public ReleaseRef(String tag, String arch) {
        this(tag, arch, DEFAULT_NAMES);
    }

    /** Maps Go/Debian arch names to RPM arch names (amd64 → x86_64, arm64 → aarch64). */
    public static String rpmArch(String arch) {
        if (arch == null) {
            throw new SpecException("--arch is required (x86_64 or aarch64)");
        }
        Arch a = Arch.parse(arch);
        if (a == Arch.NOARCH) {
            throw new SpecException("--arch noarch is not a release arch; use x86_64 or aarch64");
        }
        return a.rpm();
    }

    /** {@code <name>-<tag>-<rpm-arch>.rpm}, as published. */
    public String fileName(String name) {
        return ReleaseTag.parse(tag).fileName(name, Arch.parse(rpmArch));
    }
}
