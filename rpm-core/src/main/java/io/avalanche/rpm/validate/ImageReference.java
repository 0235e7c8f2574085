package io.avalanche.rpm.validate;

import io.avalanche.rpm.SpecException;

import java.util.regex.Pattern;

/**
 * Container image references as docker and podman take them ({@code [HOST[:PORT]/]NAME[:TAG][@DIGEST]} or an image
 * ID {@code sha256:HEX}; the {@value ValidationOptions#ARCH_PLACEHOLDER} placeholder allowed). Anything else is
 * refused before any work: an empty name, spaces, and above all a value starting with '-', which docker would read
 * as one of its own options.
 */
public final class ImageReference {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
    private static final Pattern REFERENCE = Pattern.compile("(?:" + LABEL + "(?:\\." + LABEL + ")*(?::[0-9]+)?/)?"
            + COMPONENT + "(?:/" + COMPONENT + ")*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
            + "(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");
    private static final Pattern ID = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final int MAX_LENGTH = 512;

    private ImageReference() {
    }

    /** {@code image} when it is a reference docker takes; SpecException (exit 2) naming it otherwise. */
    public static String check(String image) {
        String probe = image == null ? "" : image.replace(ValidationOptions.ARCH_PLACEHOLDER, "amd64");
        boolean id = probe.startsWith("sha256:");   // an image ID, as docker and podman read this prefix
        if (probe.length() > MAX_LENGTH || !(id ? ID.matcher(probe).matches() : REFERENCE.matcher(probe).matches())) {
            throw new SpecException("image '" + (image == null ? "" : image) + "' is not a container image reference:"
                    + " give [HOST[:PORT]/]NAME[:TAG][@DIGEST] in lower case, e.g. rockylinux:9 or"
                    + " localhost/rpm-release-target:latest");
        }
        return image;
    }
}
