package io.avalanche.rpm.validate;

import io.avalanche.rpm.SpecException;

/**
 * What to validate and how: release, built commit (full hash), target glibc, where to install (container image
 * or scratch rpm root), the signature check to use, the subnet-evm VM ID the plugin must be installed under
 * (with where that ID came from, for messages), the trust anchor (the expected key) and the packages declared to
 * carry scriptlets (every other package must have none; avalanchego and subnet-evm have none).
 */
public record ValidationOptions(ReleaseRef ref, String commit, String targetGlibc, Install install,
                                SignatureVerifier signatureCheck, String vmId, String vmIdSource, TrustAnchor anchor,
                                java.util.Set<String> scriptletPackages) {
    public static final String DEFAULT_GLIBC = "2.34";
    public static final String DEFAULT_IMAGE = "rockylinux:9";
    public static final String BINARY = "/var/opt/avalanchego/bin/avalanchego";
    public static final String PLUGIN_DIR = "/var/opt/avalanchego/plugins";
    /** DEFAULT_VM_ID of graft/subnet-evm/scripts/constants.sh at every upstream tag from v1.14.1-rc.0 to HEAD. */
    public static final String SUBNET_EVM_VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";
    private static final String DEFAULT_VM_ID_SOURCE = "the subnet-evm VM ID of every upstream tag since v1.14.1-rc.0";
    private static final java.util.regex.Pattern CB58 = java.util.regex.Pattern.compile("[1-9A-HJ-NP-Za-km-z]{20,64}");

    /** Where packages are installed for the smoke test. */
    public sealed interface Install permits Container, Local {
    }

    /** A fresh container of {@code image}, driven through the docker CLI described by {@code engine}. */
    public record Container(String image, ContainerTarget.Engine engine) implements Install {
        public Container {
            ImageReference.check(image);
        }

        /** The image for an arch: {@value #ARCH_PLACEHOLDER} in the name becomes its docker arch (amd64, arm64). */
        public String imageFor(io.avalanche.rpm.format.Arch arch) {
            return image.replace(ARCH_PLACEHOLDER, arch.docker());
        }
    }

    /** Placeholder in a container image name for the docker arch of the release being validated. */
    public static final String ARCH_PLACEHOLDER = "{arch}";

    /** A scratch {@code rpm --root} on this machine; programs run on the host. */
    public record Local() implements Install {
    }

    public ValidationOptions {
        if (commit == null || !commit.matches("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")) {
            throw new SpecException("--commit '" + commit + "' is not a full commit hash (40 hex digits): the smoke "
                    + "test looks for the whole commit in --version output, as upstream's smoke-test.sh does; pass "
                    + "git rev-parse HEAD of the built tree");
        }
        commit = commit.toLowerCase(java.util.Locale.ROOT);
        if (vmId == null) {
            vmId = SUBNET_EVM_VM_ID;
            vmIdSource = DEFAULT_VM_ID_SOURCE;
        }
        if (!CB58.matcher(vmId).matches()) {
            throw new SpecException("--vm-id '" + vmId + "' is not a cb58 VM ID (as DEFAULT_VM_ID in "
                    + "graft/subnet-evm/scripts/constants.sh)");
        }
        if (vmIdSource == null) {
            vmIdSource = "given";
        }
        if (targetGlibc == null || !targetGlibc.matches("\\d+(\\.\\d+)+")) {
            throw new SpecException("--glibc '" + targetGlibc + "' is not a version like 2.34");
        }
        if (signatureCheck == null) {
            signatureCheck = new JavaSignatureVerifier();
        }
        anchor = anchor == null ? TrustAnchor.unpinned() : anchor;
        java.util.Set<String> declared = new java.util.HashSet<>(scriptletPackages == null ? java.util.Set.of()
                : scriptletPackages);
        if (ref != null && ref.names().contains(ReleaseRef.SERVICE)) {
            declared.add(ReleaseRef.SERVICE); // the service package's systemd scriptlets, run in a container only
        }
        scriptletPackages = java.util.Set.copyOf(declared);
    }

    /** Container install in the default image with the docker CLI on PATH, glibc 2.34, signatures checked in Java. */
    public static ValidationOptions of(ReleaseRef ref, String commit) {
        return new ValidationOptions(ref, commit, DEFAULT_GLIBC,
                new Container(DEFAULT_IMAGE, ContainerTarget.Engine.dockerCli()), new JavaSignatureVerifier(), null, null,
                null, null);
    }

    public ValidationOptions withInstall(Install i) {
        return new ValidationOptions(ref, commit, targetGlibc, i, signatureCheck, vmId, vmIdSource, anchor,
                scriptletPackages);
    }

    public ValidationOptions withTargetGlibc(String g) {
        return new ValidationOptions(ref, commit, g, install, signatureCheck, vmId, vmIdSource, anchor,
                scriptletPackages);
    }

    public ValidationOptions withSignatureCheck(SignatureVerifier c) {
        return new ValidationOptions(ref, commit, targetGlibc, install, c, vmId, vmIdSource, anchor,
                scriptletPackages);
    }

    /** The VM ID the subnet-evm plugin must be installed under, and where it came from (for messages). */
    public ValidationOptions withVmId(String id, String source) {
        return new ValidationOptions(ref, commit, targetGlibc, install, signatureCheck, id, source, anchor,
                scriptletPackages);
    }

    /**
     * What signatures are judged against: {@link TrustAnchor#pinned} (validate --key, the key a release signed with,
     * the key the Jenkins controller holds) or {@link TrustAnchor#trustPublished}; unpinned by default.
     */
    public ValidationOptions withAnchor(TrustAnchor a) {
        return new ValidationOptions(ref, commit, targetGlibc, install, signatureCheck, vmId, vmIdSource, a,
                scriptletPackages);
    }

    /**
     * Declares the package {@code name} to carry scriptlets (e.g. a service package): it is validated in a
     * container only. Every package not declared must carry no scriptlet or trigger.
     */
    public ValidationOptions withScriptletPackage(String name) {
        java.util.Set<String> s = new java.util.HashSet<>(scriptletPackages);
        s.add(name);
        return new ValidationOptions(ref, commit, targetGlibc, install, signatureCheck, vmId, vmIdSource, anchor, s);
    }

    /**
     * The VM ID read from the release.json {@code source} holds, at build time, unless one was given explicitly
     * (--vm-id, the pipeline's): these options unchanged when the source has none.
     */
    public ValidationOptions withVmIdOf(ReleaseSource source) {
        if (!vmIdSource.equals(DEFAULT_VM_ID_SOURCE)) {
            return this;
        }
        return source.manifest().filter(m -> m.vmId() != null)
                .map(m -> withVmId(m.vmId(), source.manifestLocation())).orElse(this);
    }

    /** Where the plugin must be installed. */
    public String pluginPath() {
        return PLUGIN_DIR + "/" + vmId;
    }
}
