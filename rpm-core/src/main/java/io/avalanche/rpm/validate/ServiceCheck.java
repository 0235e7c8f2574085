package io.avalanche.rpm.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The avalanchego-service package's check in the target it was installed into (no running systemd needed), run as
 * one shell script: {@code systemd-analyze verify} accepts the unit, the system user exists with its home and no
 * login shell, the directories and the config file have their owners and modes, and the install left the unit
 * disabled unless a preset enables it.
 */
public final class ServiceCheck {
    public static final String PACKAGE = ReleaseRef.SERVICE;
    public static final String UNIT = "avalanchego.service";
    public static final String UNIT_PATH = "/usr/lib/systemd/system/" + UNIT;
    public static final String USER = "avalanchego";
    public static final String DATA_DIR = "/var/lib/avalanchego";
    public static final String CONFIG_PATH = "/etc/avalanchego/config.json";
    /** stat -c '%U:%G %a %F' of what the package installs, as it must be after install. */
    static final Map<String, String> OWNERS = owners();

    private static Map<String, String> owners() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DATA_DIR, USER + ":" + USER + " 755 directory");
        m.put("/etc/avalanchego", "root:root 755 directory");
        m.put(CONFIG_PATH, "root:root 644 regular file");
        m.put(ValidationOptions.PLUGIN_DIR, "root:root 755 directory");
        m.put(UNIT_PATH, "root:root 644 regular file");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Pass, fail, or could not run (the target lacks the tools), with the script's output. */
    public record Verdict(CheckOutcome.Status status, String message, String output) {
    }

    private ServiceCheck() {
    }

    static String script() {
        StringBuilder s = new StringBuilder();
        s.append("if command -v systemd-analyze >/dev/null 2>&1; then\n")
                .append("  out=$(systemd-analyze verify ").append(UNIT_PATH).append(" 2>&1); rc=$?\n")
                .append("  echo \"verify.rc=$rc\"; [ -z \"$out\" ] || printf '%s\\n' \"$out\" | sed 's/^/verify.out=/'\n")
                .append("else echo verify.rc=missing; fi\n")
                .append("echo \"user=$(getent passwd ").append(USER).append(")\"\n");
        for (String p : OWNERS.keySet()) {
            s.append("echo \"stat=$(stat -c '%U:%G %a %F %n' ").append(p).append(" 2>&1)\"\n");
        }
        s.append("if command -v systemctl >/dev/null 2>&1; then\n")
                .append("  echo \"enabled=$(systemctl is-enabled ").append(UNIT).append(" 2>&1)\"\n")
                .append("else echo enabled=no-systemctl; fi\n")
                .append("echo \"preset=$(grep -rhsE '^[[:space:]]*enable[[:space:]]+").append(UNIT.replace(".", "\\."))
                .append("' /etc/systemd/system-preset /run/systemd/system-preset /usr/lib/systemd/system-preset"
                        + " | head -n 1)\"\n");
        return s.toString();
    }

    /** The checks as one step in the installed target (its output goes to {@link #judge}). */
    static Step.Run step() {
        return new Step.Run("/bin/sh", List.of("-c", script()));
    }

    static Verdict judge(String output) {
        Map<String, List<String>> v = parse(output);
        String rc = first(v, "verify.rc");
        if (rc.equals("missing") || rc.isEmpty()) {
            return new Verdict(CheckOutcome.Status.ERROR, "the target image has no systemd-analyze: validate "
                    + PACKAGE + " in an image with systemd (rockylinux:9 plus dnf install systemd; here "
                    + "scripts/build-target-image.sh builds one)", output);
        }
        List<String> problems = new ArrayList<>();
        List<String> unitWarnings = v.getOrDefault("verify.out", List.of()).stream()
                .filter(l -> l.contains(UNIT)).toList();
        if (!rc.equals("0") || !unitWarnings.isEmpty()) {
            problems.add("systemd-analyze verify " + UNIT_PATH + " (exit " + rc + "): "
                    + (unitWarnings.isEmpty() ? String.join("; ", v.getOrDefault("verify.out", List.of()))
                    : String.join("; ", unitWarnings)));
        }
        String[] pw = first(v, "user").split(":", -1);
        if (pw.length != 7 || !pw[0].equals(USER)) {
            problems.add("no system user " + USER + " (getent passwd: '" + first(v, "user") + "')");
        } else {
            if (!pw[2].matches("\\d+") || Long.parseLong(pw[2]) >= 1000 || Long.parseLong(pw[2]) == 0) {
                problems.add("user " + USER + " has uid " + pw[2] + ", not a system uid (1-999)");
            }
            if (!pw[5].equals(DATA_DIR) || !pw[6].endsWith("nologin")) {
                problems.add("user " + USER + " has home '" + pw[5] + "' and shell '" + pw[6] + "', expected "
                        + DATA_DIR + " and a nologin shell");
            }
        }
        List<String> stats = v.getOrDefault("stat", List.of());
        for (Map.Entry<String, String> e : OWNERS.entrySet()) {
            String want = e.getValue() + " " + e.getKey();
            if (!stats.contains(want)) {
                String have = stats.stream().filter(l -> l.endsWith(" " + e.getKey()) || l.contains(e.getKey() + "'"))
                        .findFirst().orElse("missing");
                problems.add(e.getKey() + " is '" + have + "', expected '" + e.getValue() + "'");
            }
        }
        String enabled = first(v, "enabled");
        boolean presetEnables = !first(v, "preset").isEmpty();
        if (!enabled.equals("no-systemctl") && !enabled.equals(presetEnables ? "enabled" : "disabled")) {
            problems.add("after install " + UNIT + " is '" + enabled + "', expected "
                    + (presetEnables ? "enabled (a preset enables it)" : "disabled (no preset enables it)"));
        }
        if (!problems.isEmpty()) {
            return new Verdict(CheckOutcome.Status.FAILED, String.join("; ", problems), output);
        }
        return new Verdict(CheckOutcome.Status.PASSED, "systemd-analyze verify accepts " + UNIT + "; user " + USER
                + " (uid " + pw[2] + ", home " + DATA_DIR + "), owners and modes as packaged; unit " + enabled
                + " after install" + (presetEnables ? " (by preset)" : " (preset decides)"), output);
    }

    /** key=value lines, several values per key in order. */
    static Map<String, List<String>> parse(String output) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return m;
    }

    static String first(Map<String, List<String>> v, String key) {
        List<String> l = v.get(key);
        return l == null || l.isEmpty() ? "" : l.get(0).strip();
    }
}
