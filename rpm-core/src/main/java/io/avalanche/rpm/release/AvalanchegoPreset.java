package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.build.ChangelogEntry;
import io.avalanche.rpm.build.Compression;
import io.avalanche.rpm.build.FileEntry;
import io.avalanche.rpm.build.PackageSpec;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The two products: avalanchego and its subnet-evm plugin — install paths, metadata, VM ID lookup. */
public final class AvalanchegoPreset {
    public static final String NAME = "avalanchego";
    public static final String AVALANCHEGO = "avalanchego";
    public static final String SUBNET_EVM = "subnet-evm";
    public static final String BIN_PATH = "/var/opt/avalanchego/bin/avalanchego";
    public static final String PLUGIN_DIR = "/var/opt/avalanchego/plugins";
    public static final String GLIBC_REQUIREMENT = "glibc >= 2.34";
    /** Where the VM ID is defined in a source tree, first match wins. */
    public static final List<String> VM_ID_FILES = List.of("graft/subnet-evm/scripts/constants.sh",
            "graft/subnet-evm/scripts/default-vm-data.sh", "scripts/constants.sh");
    private static final Pattern VM_ID_LINE = Pattern.compile(
            "^\\s*(?:export\\s+)?DEFAULT_VM_ID=(?:\\$\\{DEFAULT_VM_ID:-)?[\"']?([1-9A-HJ-NP-Za-km-z]{20,64})[\"']?\\}?\\s*(?:#.*)?$",
            Pattern.MULTILINE);
    private static final String VENDOR = "Ava Labs";
    private static final String URL = "https://github.com/ava-labs/avalanchego";

    private AvalanchegoPreset() {
    }

    /** Reads DEFAULT_VM_ID from the source tree's subnet-evm scripts. */
    public static String vmId(Path sourceTree) {
        for (String rel : VM_ID_FILES) {
            Path f = sourceTree.resolve(rel);
            if (Files.isRegularFile(f)) {
                try {
                    Matcher m = VM_ID_LINE.matcher(Files.readString(f));
                    if (m.find()) {
                        return m.group(1);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(f + ": cannot read: " + e.getMessage(), e);
                }
            }
        }
        throw new SpecException("no DEFAULT_VM_ID=<cb58 id> found in " + sourceTree + " (looked in "
                + String.join(", ", VM_ID_FILES) + ")");
    }

    /** Install path of the subnet-evm plugin for a VM ID. */
    public static String pluginPath(String vmId) {
        if (!vmId.matches("[1-9A-HJ-NP-Za-km-z]{20,64}")) {
            throw new SpecException("invalid VM ID '" + vmId + "': expected a cb58 string");
        }
        return PLUGIN_DIR + "/" + vmId;
    }

    /** The avalanchego package spec for a built binary. */
    public static PackageSpec avalanchego(ReleaseTag tag, Arch arch, Path binary, long buildTime,
                                          Compression compression) {
        return common(AVALANCHEGO, tag, arch, buildTime, compression)
                .summary("Avalanche node implementation (AvalancheGo)")
                .description("AvalancheGo, the Go implementation of an Avalanche network node.\n"
                        + "Installs the node binary as " + BIN_PATH + ".")
                .file(new FileEntry(binary, BIN_PATH, 0755))
                .build();
    }

    /** The subnet-evm plugin package spec for a built plugin binary and its VM ID. */
    public static PackageSpec subnetEvm(ReleaseTag tag, Arch arch, Path binary, String vmId, long buildTime,
                                        Compression compression) {
        return common(SUBNET_EVM, tag, arch, buildTime, compression)
                .summary("Subnet-EVM virtual machine plugin for AvalancheGo")
                .description("The Subnet-EVM virtual machine plugin for AvalancheGo.\n"
                        + "Installs the plugin as " + PLUGIN_DIR + "/<VM ID>.")
                .file(new FileEntry(binary, pluginPath(vmId), 0755))
                .build();
    }

    private static PackageSpec.Builder common(String name, ReleaseTag tag, Arch arch, long buildTime,
                                              Compression compression) {
        return PackageSpec.builder().name(name).version(tag.version()).release(tag.release()).arch(arch)
                .license("BSD-3-Clause").url(URL).vendor(VENDOR).packager(VENDOR)
                .buildTime(buildTime).compression(compression).require(GLIBC_REQUIREMENT)
                .directory("/var/opt/avalanchego")
                .changelog(new ChangelogEntry(buildTime, VENDOR + " - " + tag.version() + "-" + tag.release(),
                        "- Release " + tag.tag()));
    }
}
