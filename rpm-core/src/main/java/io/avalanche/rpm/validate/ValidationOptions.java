package io.avalanche.rpm.validate;

import io.avalanche.rpm.SpecException;

/**
 * What to validate and how: release, built commit, target glibc, where to install (container image
 * or scratch rpm root) and the signature check to use.
 */
public record ValidationOptions(ReleaseRef ref, String commit, String targetGlibc, Install install,
                                SignatureCheck signatureCheck) {
    public static final String DEFAULT_GLIBC = "2.34";
    public static final String DEFAULT_IMAGE = "rockylinux:9";
    public static final String BINARY = "/var/opt/avalanchego/bin/avalanchego";
    public static final String PLUGIN_DIR = "/var/opt/avalanchego/plugins";

    /** Where packages are installed for the smoke test. */
    public sealed interface Install permits Container, Local {
    }

    /** A fresh container of {@code image}, driven through the docker CLI described by {@code engine}. */
    public record Container(String image, ContainerTarget.Engine engine) implements Install {
    }

    /** A scratch {@code rpm --root} on this machine; programs run on the host. */
    public record Local() implements Install {
    }

    public ValidationOptions {
        if (commit == null || !commit.matches("[0-9A-Za-z._-]{4,64}")) {
            throw new SpecException("--commit '" + commit + "' is not a commit hash; pass the built git commit");
        }
        if (targetGlibc == null || !targetGlibc.matches("\\d+(\\.\\d+)+")) {
            throw new SpecException("--glibc '" + targetGlibc + "' is not a version like 2.34");
        }
        if (signatureCheck == null) {
            signatureCheck = new JavaSignatureCheck();
        }
    }

    /** Container install in the default image with the docker CLI on PATH, glibc 2.34, signatures checked in Java. */
    public static ValidationOptions of(ReleaseRef ref, String commit) {
        return new ValidationOptions(ref, commit, DEFAULT_GLIBC,
                new Container(DEFAULT_IMAGE, ContainerTarget.Engine.dockerCli()), new JavaSignatureCheck());
    }

    public ValidationOptions withInstall(Install i) {
        return new ValidationOptions(ref, commit, targetGlibc, i, signatureCheck);
    }

    public ValidationOptions withTargetGlibc(String g) {
        return new ValidationOptions(ref, commit, g, install, signatureCheck);
    }

    public ValidationOptions withSignatureCheck(SignatureCheck c) {
        return new ValidationOptions(ref, commit, targetGlibc, install, c);
    }
}
