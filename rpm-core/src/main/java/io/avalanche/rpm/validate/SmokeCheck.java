package io.avalanche.rpm.validate;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The smoke test's judgement of {@code --version} output and plugin paths, for the real formats:
 * avalanchego {@code avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=<40-hex>, go=1.23.9]};
 * subnet-evm {@code Subnet-EVM/v1.14.2@<40-hex> [rpcchainvm=44]} (v1.14.2-rc.12 and later) or
 * {@code Subnet-EVM/v0.8.0@<40-hex> [AvalancheGo=v1.14.1, rpcchainvm=44]} (v1.14.1 era).
 */
public final class SmokeCheck {
    private SmokeCheck() {
    }

    /** A judgement: passed or not, and the message for the report. */
    public record Verdict(boolean ok, String message) {
    }

    /** avalanchego: exit 0, first line starts with avalanchego/, contains commit=&lt;full commit&gt; as a token. */
    public static Verdict avalanchego(String binary, int exitCode, String output, String commit) {
        String line = firstLine(output.strip());
        boolean starts = line.startsWith("avalanchego/");
        boolean has = token(output, "commit=", commit);
        if (exitCode == 0 && starts && has) {
            return new Verdict(true, binary + " --version reports commit=" + commit + ": " + line);
        }
        String why = exitCode != 0 ? "exit " + exitCode : !starts ? "does not start with 'avalanchego/'"
                : "no 'commit=" + commit + "'";
        return new Verdict(false, binary + " --version printed '" + line + "' (" + why + "); expected "
                + "'avalanchego/...' with commit=" + commit);
    }

    /** The plugin: exit 0 and the full commit as a whole token after '@' or 'commit='. */
    public static Verdict plugin(String path, int exitCode, String output, String commit) {
        String line = firstLine(output.strip());
        boolean has = token(output, "@", commit) || token(output, "commit=", commit);
        if (exitCode == 0 && has) {
            return new Verdict(true, "plugin " + path + " is executable and reports commit " + commit + ": " + line);
        }
        return new Verdict(false, "plugin " + path + " --version printed '" + line + "' (" + (exitCode != 0
                ? "exit " + exitCode : "no '@" + commit + "' or 'commit=" + commit + "'") + "); expected the built "
                + "commit " + commit + " as in 'Subnet-EVM/v1.14.2@" + commit + " [rpcchainvm=44]'");
    }

    /**
     * The package must install exactly one plugin, at {@code expected}; {@code installed} are the files it puts
     * directly under the plugin directory. Null when that holds, else the failure message.
     */
    public static String pluginPlacement(List<String> installed, String expected, String vmIdSource) {
        if (installed.equals(List.of(expected))) {
            return null;
        }
        String want = "expected exactly " + expected + " (VM ID from " + vmIdSource + ")";
        if (installed.isEmpty()) {
            return "installs no plugin under " + ValidationOptions.PLUGIN_DIR + "/; " + want;
        }
        return "installs its plugin as " + String.join(", ", installed) + "; " + want;
    }

    /** True when {@code prefix + value} occurs and is not followed by another hex digit or word character. */
    static boolean token(String output, String prefix, String value) {
        Pattern p = Pattern.compile("(?<![0-9A-Za-z])" + Pattern.quote(prefix + value) + "(?![0-9A-Za-z])",
                Pattern.CASE_INSENSITIVE);
        if (prefix.equals("@")) {
            p = Pattern.compile(Pattern.quote(prefix + value) + "(?![0-9A-Za-z])", Pattern.CASE_INSENSITIVE);
        }
        return p.matcher(output).find();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String l = nl < 0 ? s : s.substring(0, nl);
        return l.length() > 200 ? l.substring(0, 200) + "..." : l;
    }
}
