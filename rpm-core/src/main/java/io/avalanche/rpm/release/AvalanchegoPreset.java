package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.ChangelogEntry;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;

import java.nio.file.Path;

/** The two products: avalanchego and its subnet-evm plugin — install paths, metadata, VM ID lookup. */
public final class AvalanchegoPreset {
    public static final String NAME = "avalanchego";
    public static final String AVALANCHEGO = "avalanchego";
    public static final String SUBNET_EVM = "subnet-evm";
    public static final String BIN_PATH = "/var/opt/avalanchego/bin/avalanchego";
    public static final String PLUGIN_DIR = "/var/opt/avalanchego/plugins";
    public static final String GLIBC_REQUIREMENT = "glibc >= 2.34";
    /** Upstream's nfpm maintainer (.github/packaging/nfpm/*-rpm.yml), written as the RPM Packager. */
    public static final String PACKAGER = "Ava Labs <security@avalabs.org>";
    /** Upstream's nfpm descriptions; nfpm writes the first line as Summary and the whole text as Description. */
    public static final String AVALANCHEGO_DESCRIPTION = "AvalancheGo node \u2014 the official Avalanche protocol implementation";
    public static final String SUBNET_EVM_DESCRIPTION = "Subnet-EVM plugin for AvalancheGo";
    /** Where each tag's release notes are (upstream's changelog note points there too). */
    public static final String RELEASES = "https://github.com/ava-labs/avalanchego/releases/tag/";
    private static final String VENDOR = "Ava Labs";
    private static final String URL = "https://github.com/ava-labs/avalanchego";

    private AvalanchegoPreset() {
    }

    /** Reads DEFAULT_VM_ID from graft/subnet-evm/scripts/constants.sh (read, not sourced). */
    public static String vmId(Path sourceTree) {
        return SourceTree.read(sourceTree).vmId();
    }

    /** Install path of the subnet-evm plugin for a VM ID. */
    public static String pluginPath(String vmId) {
        if (vmId == null || !SourceTree.CB58.matcher(vmId).matches()) {
            throw new SpecException("invalid VM ID '" + vmId + "': expected a cb58 string");
        }
        return PLUGIN_DIR + "/" + vmId;
    }

    /** The avalanchego package spec for a built binary. */
    public static PackageSpec avalanchego(ReleaseTag tag, Arch arch, Path binary, long buildTime,
                                          Compression compression) {
        return common(AVALANCHEGO, tag, arch, buildTime, compression)
                .summary(AVALANCHEGO_DESCRIPTION)
                .description(AVALANCHEGO_DESCRIPTION)
                .file(new FileEntry(binary, BIN_PATH, 0755))
                .build();
    }

    /** The subnet-evm plugin package spec for a built plugin binary and its VM ID. */
    public static PackageSpec subnetEvm(ReleaseTag tag, Arch arch, Path binary, String vmId, long buildTime,
                                        Compression compression) {
        return common(SUBNET_EVM, tag, arch, buildTime, compression)
                .summary(SUBNET_EVM_DESCRIPTION)
                .description(SUBNET_EVM_DESCRIPTION)
                .file(new FileEntry(binary, pluginPath(vmId), 0755))
                .build();
    }

    private static PackageSpec.Builder common(String name, ReleaseTag tag, Arch arch, long buildTime,
                                              Compression compression) {
        return PackageSpec.builder().name(name).version(tag.version()).release(tag.release()).arch(arch)
                .license("BSD-3-Clause").url(URL).vendor(VENDOR).packager(PACKAGER)
                .buildTime(buildTime).compression(compression).require(GLIBC_REQUIREMENT)
                .directory("/var/opt/avalanchego")
                .changelog(new ChangelogEntry(buildTime, PACKAGER + " - " + tag.version() + "-" + tag.release(),
                        tag.pullRequest() ? "- Pull-request smoke build " + tag.tag() + " (not a release)"
                                : "- See " + RELEASES + tag.tag()));
    }
}
