package io.avalanche.rpm.release;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.SpecException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an avalanchego source tree offers, read without running anything: its build scripts, the era of the
 * subnet-evm build script and DEFAULT_VM_ID from graft/subnet-evm/scripts/constants.sh (read, never sourced: the
 * real file runs {@code go env GOPATH} and git).
 */
public record SourceTree(Path root, String vmId, String vmIdSource, Era era) {
    public static final String AVALANCHEGO_BUILD = "scripts/build.sh";
    public static final String SUBNET_EVM_DIR = "graft/subnet-evm";
    public static final String SUBNET_EVM_BUILD = SUBNET_EVM_DIR + "/scripts/build.sh";
    public static final String SUBNET_EVM_CONSTANTS = SUBNET_EVM_DIR + "/scripts/constants.sh";
    /** The avalanchego binary scripts/build.sh writes (avalanchego_path in scripts/constants.sh). */
    public static final String AVALANCHEGO_OUTPUT = "build/avalanchego";
    /** Where we have build.sh write the plugin (as upstream's packaging: $REPO_ROOT/build/subnet-evm). */
    public static final String PLUGIN_OUTPUT = "build/subnet-evm";
    static final Pattern CB58 = Pattern.compile("[1-9A-HJ-NP-Za-km-z]{20,64}");
    private static final Pattern VM_ID_LINE = Pattern.compile(
            "^[ \\t]*(?:export[ \\t]+)?DEFAULT_VM_ID=([^#\\n]*?)[ \\t]*(?:#[^\\n]*)?$", Pattern.MULTILINE);
    private static final Pattern VM_ID_VALUE = Pattern.compile(
            "\"([^\"$`\\\\]*)\"|'([^']*)'|\\$\\{DEFAULT_VM_ID:-([^}\"'$`\\\\]*)}|\"\\$\\{DEFAULT_VM_ID:-([^}\"'$`\\\\]*)}\"|([^\"'$`\\\\]+)");
    private static final Pattern CD_SELF = Pattern.compile("^[ \\t]*cd[ \\t]+\"?\\$\\{?SUBNET_EVM_PATH\\}?\"?[ \\t]*$",
            Pattern.MULTILINE);

    /** How graft/subnet-evm/scripts/build.sh finds its sources; either way we start it in graft/subnet-evm. */
    public enum Era {
        /** v1.14.1-rc.0 to v1.14.2-rc.17: builds "plugin/"*.go relative to the working directory, no cd. */
        RELATIVE("builds \"plugin/\" relative to its working directory (upstream v1.14.1-rc.0 .. v1.14.2-rc.17)"),
        /** v1.14.2-rc.18 and later: changes into graft/subnet-evm itself before building. */
        CHANGES_DIRECTORY("changes into graft/subnet-evm itself (upstream v1.14.2-rc.18 and later)");

        private final String description;

        Era(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** Reads the tree; refuses (SpecException, exit 2) naming the missing file and what is needed. */
    public static SourceTree read(Path root) {
        Path r = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(r)) {
            throw new SpecException("source tree " + r + (Files.exists(r) ? " is not a directory: pass --source the "
                    + "root of an ava-labs/avalanchego checkout" : " does not exist"));
        }
        if (!Files.isRegularFile(r.resolve(AVALANCHEGO_BUILD))) {
            throw new SpecException(r + " is not an avalanchego source tree: " + AVALANCHEGO_BUILD
                    + " is missing (pass --source the root of an ava-labs/avalanchego checkout)");
        }
        for (String f : List.of(SUBNET_EVM_BUILD, SUBNET_EVM_CONSTANTS)) {
            if (!Files.isRegularFile(r.resolve(f))) {
                throw new SpecException(r + ": " + f + " is missing: this tree has no subnet-evm graft (upstream "
                        + "grafted subnet-evm into graft/subnet-evm at v1.14.1-rc.0; older tags such as v1.13.5 "
                        + "build the plugin from the separate ava-labs/subnet-evm repository, which the avalanchego "
                        + "preset does not support). Check out v1.14.1-rc.0 or later.");
            }
        }
        String constants = text(r.resolve(SUBNET_EVM_CONSTANTS));
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = VM_ID_LINE.matcher(constants);
        int line = 0;
        while (m.find()) {
            String id = value(m.group(1));
            if (id == null || !CB58.matcher(id).matches()) {
                throw new SpecException(r.resolve(SUBNET_EVM_CONSTANTS) + ": DEFAULT_VM_ID=" + m.group(1)
                        + " is not a literal cb58 VM ID; write DEFAULT_VM_ID=\"<cb58 id>\" as upstream does");
            }
            if (ids.isEmpty()) {
                line = lineOf(constants, m.start());
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw new SpecException(r.resolve(SUBNET_EVM_CONSTANTS) + ": no DEFAULT_VM_ID=\"<cb58 id>\" line; "
                    + "the plugin's install path /var/opt/avalanchego/plugins/<VM_ID> needs it");
        }
        if (ids.size() > 1) {
            throw new SpecException(r.resolve(SUBNET_EVM_CONSTANTS) + ": DEFAULT_VM_ID is set to different values "
                    + ids + "; keep one");
        }
        Era era = CD_SELF.matcher(text(r.resolve(SUBNET_EVM_BUILD))).find() ? Era.CHANGES_DIRECTORY : Era.RELATIVE;
        return new SourceTree(r, ids.iterator().next(), SUBNET_EVM_CONSTANTS + ":" + line, era);
    }

    private static String value(String raw) {
        Matcher v = VM_ID_VALUE.matcher(raw);
        if (!v.matches()) {
            return null;
        }
        for (int g = 1; g <= v.groupCount(); g++) {
            if (v.group(g) != null) {
                return v.group(g);
            }
        }
        return null;
    }

    private static int lineOf(String text, int offset) {
        int n = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String text(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    public Path avalanchegoOutput() {
        return root.resolve(AVALANCHEGO_OUTPUT);
    }

    public Path pluginOutput() {
        return root.resolve(PLUGIN_OUTPUT);
    }
}
