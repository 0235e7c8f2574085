package io.avalanche.rpm.validate;

/** How a validation container keeps package code from the host, for reports (kept apart from how it is run). */
final class ContainerConfinement {
    private ContainerConfinement() {
    }

    static String describe(String name, String image) {
        return "package code (scriptlets and programs) ran inside container " + name + " of " + image
                + ", with no network (--network=none) and the release mounted read-only; it runs as root inside the"
                + " container, isolated from this host by the container runtime";
    }
}
