package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.SpecException;

import java.util.List;

/**
 * Which release to validate: tag, RPM arch, package names and RPM Release (1, or a respin's N); knows the published
 * file names (the optional {@value #SERVICE} package is noarch: {@code avalanchego-service-<tag>-noarch.rpm} in every
 * arch's repository) and the channel the tag is published in.
 */
public record ReleaseRef(String tag, String rpmArch, List<String> names, String release) {
    public static final List<String> DEFAULT_NAMES = List.of("avalanchego", "subnet-evm");
    /** The optional service package (release --with-service). */
    public static final String SERVICE = "avalanchego-service";

    public ReleaseRef {
        release = release == null ? "1" : release;
        tag = ReleaseTag.parse(tag).withRelease(release).tag();
        rpmArch = rpmArch(rpmArch);
        names = List.copyOf(names);
    }

    public ReleaseRef(String tag, String rpmArch, List<String> names) {
        this(tag, rpmArch, names, "1");
    }

    public ReleaseRef(String tag, String arch) {
        this(tag, arch, DEFAULT_NAMES);
    }

    /** The same release as RPM Release {@code n} (a respin). */
    public ReleaseRef withRelease(String n) {
        return new ReleaseRef(tag, rpmArch, names, n);
    }

    /** The tag mapped to RPM Version/Release, with this Release. */
    public ReleaseTag releaseTag() {
        return ReleaseTag.parse(tag).withRelease(release);
    }

    /** The channel the tag is published in. */
    public io.avalanche.rpm.format.Channel channel() {
        return releaseTag().channel();
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

    /** This release with the service package too, or without it. */
    public ReleaseRef withService(boolean service) {
        List<String> n = new java.util.ArrayList<>(names.stream().filter(x -> !x.equals(SERVICE)).toList());
        if (service) {
            n.add(SERVICE);
        }
        return new ReleaseRef(tag, rpmArch, n, release);
    }

    /** {@code <name>-<tag>-<rpm-arch>.rpm}, as published; the service package is noarch. */
    public String fileName(String name) {
        return releaseTag().fileName(name, name.equals(SERVICE) ? Arch.NOARCH : Arch.parse(rpmArch));
    }
}
