package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import io.avalanche.rpm.PathNames;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The service check with systemd running: a fresh container of the target image booting systemd as PID 1
 * (podman's systemd mode, chosen for a systemd command), no network, the release mounted read-only. It installs
 * the release, starts avalanchego.service, checks the node runs as its user with the unit's flags and writes its
 * data directory, then stops it and checks it is gone. Skipped, saying why, where the image cannot boot systemd
 * in a container. The container gets no extra privileges: package code is untrusted, so where systemd cannot set
 * up the unit's namespaces (ProtectSystem=...) in it, the report says so instead of granting them.
 */
public final class SystemdBoot {
    static final String NAME_PREFIX = ContainerTarget.NAME_PREFIX + "systemd-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MOUNT = "/rpms";
    private static final String INIT = "/lib/systemd/systemd";
    private static final int BOOT_SECONDS = 90;
    /** How many times (0.2 s apart) the check looks for the node's context file before it gives up: 30 s. */
    static final int POLLS = 150;

    private SystemdBoot() {
    }

    /** Boots, installs {@code rpms} (all in {@code key}'s directory) with {@code key} imported, starts and stops the unit. */
    public static ServiceCheck.Verdict check(ContainerTarget.Engine engine, String image, Platform platform,
                                             List<Path> rpms, Path key) {
        return check(engine, image, platform, rpms, key, List.of());
    }

    /** As above with extra {@code docker run} options (tests grant CAP_SYS_ADMIN to see the sandbox applied). */
    static ServiceCheck.Verdict check(ContainerTarget.Engine engine, String image, Platform platform,
                                      List<Path> rpms, Path key, List<String> runOptions) {
        String name = NAME_PREFIX + HexFormat.of().formatHex(RANDOM.generateSeed(6));
        ContainerRemoval removal = new ContainerRemoval(engine, name);
        removal.beforeRun(image);
        try {
            Path dir = key.toAbsolutePath().getParent();
            if (dir == null) {
                throw new ValidationException(key + ": the release's key file has no directory");
            }
            List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network=none", "--platform",
                    "linux/" + platform.arch().docker(), "-v", dir + ":" + MOUNT + ":ro"));
            args.addAll(runOptions);
            args.addAll(List.of(ImageReference.check(image), INIT));   // never read as an option of docker's
            ProcessRunner.Result run = removal.during(() -> docker(engine, args.toArray(String[]::new)));
            if (!run.ok()) {
                return new ServiceCheck.Verdict(CheckOutcome.Status.SKIPPED, "not run: " + image + " cannot boot "
                        + INIT + " in a container (" + lastLine(run.output()) + ")", run.output());
            }
            // systemctl cannot connect until systemd has made its socket (~0.1 s after the start): retry every 0.1 s,
            // then wait for the boot to end
            ProcessRunner.Result boot = docker(engine, "exec", name, "/bin/sh", "-c", "i=0; while [ $i -lt "
                    + BOOT_SECONDS * 10 + " ]; do s=$(timeout " + BOOT_SECONDS + " systemctl is-system-running --wait"
                    + " 2>&1); case \"$s\" in running|degraded) echo \"$s\"; exit 0;; esac; sleep 0.1; i=$((i+1));"
                    + " done; echo \"$s\"");
            String state = lastLine(boot.output());
            if (!state.equals("running") && !state.equals("degraded")) {
                return new ServiceCheck.Verdict(CheckOutcome.Status.SKIPPED, "not run: systemd did not finish booting"
                        + " in a container of " + image + " within " + BOOT_SECONDS + " s (state '" + state + "')",
                        boot.output());
            }
            ProcessRunner.Result r = docker(engine, "exec", name, "/bin/sh", "-c", script(rpms, key));
            return judge(r.output() + "\nboot=" + state);
        } finally {
            removal.closeNow();
        }
    }

    static String script(List<Path> rpms, Path key) {
        StringBuilder files = new StringBuilder();
        for (Path p : rpms) {
            files.append(' ').append(MOUNT).append('/').append(PathNames.name(p));
        }
        String unit = ServiceCheck.UNIT;
        String context = ServiceCheck.DATA_DIR + "/process.json";
        return "fail() { echo \"error=$*\"; exit 0; }\n"
                + "rpm --import " + MOUNT + "/" + PathNames.name(key) + " || fail 'rpm --import of the key failed'\n"
                + "out=$(rpm -ivh --define '_pkgverify_level signature'" + files + " 2>&1) || { printf '%s\\n' "
                + "\"$out\" | sed 's/^/install=/'; fail 'rpm -ivh failed'; }\n"
                + "systemctl start " + unit + " 2>&1 | sed 's/^/start=/'\n"
                // until the node wrote its context, for at most 30 s; a main process that ended (a node that could
                // not start: SubState auto-restart, failed or dead) ends the wait at once
                + "i=0; sub=running; while [ $i -lt " + POLLS + " ] && [ ! -s " + context + " ]; do"
                + " sub=$(systemctl show -p SubState --value " + unit + "); [ \"$sub\" = running ] || break;"
                + " sleep 0.2; i=$((i+1)); done\n"
                + "echo \"polls=$i\"; echo \"substate=$sub\"\n"
                + "echo \"status=$(systemctl show -p ExecMainStatus --value " + unit + ")\"\n"
                + "echo \"active=$(systemctl is-active " + unit + ")\"\n"
                + "pid=$(systemctl show -p MainPID --value " + unit + ")\n"
                + "echo \"pid=$pid\"\n"
                + "if [ \"${pid:-0}\" -gt 0 ]; then\n"
                + "  echo \"user=$(stat -c %U /proc/$pid)\"\n"
                + "  echo \"cmdline=$(tr '\\0' ' ' < /proc/$pid/cmdline)\"\n"
                + "  echo \"nofile=$(awk '/Max open files/ {print $5}' /proc/$pid/limits)\"\n"
                + "  if [ \"$(readlink /proc/$pid/ns/mnt)\" = \"$(readlink /proc/1/ns/mnt)\" ]; then echo mounts=shared;"
                + " else echo mounts=private; fi\n"
                // the node's own view (root cannot enter a process of another user without CAP_SYS_PTRACE)
                + "  awk '$5 == \"/\" || $5 == \"" + ServiceCheck.DATA_DIR + "\" || $5 == \"/root\" || $5 == \"/tmp\""
                + " {print \"mount \" $5 \"=\" $6}' /proc/$pid/mountinfo\n"
                + "fi\n"
                + "echo \"context=$(stat -c '%U:%G %a' " + context + " 2>&1)\"\n"
                + "echo \"limit=$(systemctl show -p LimitNOFILE --value " + unit + ")\"\n"
                + "systemctl stop " + unit + " 2>&1 | sed 's/^/stop=/'\n"
                + "echo \"after=$(systemctl is-active " + unit + ")\"\n"
                + "if [ \"${pid:-0}\" -gt 0 ] && kill -0 \"$pid\" 2>/dev/null; then echo alive=yes; else echo alive=no; fi\n"
                + "echo \"context.after=$(test -e " + context + " && echo present || echo removed)\"\n"
                + "journalctl -u " + unit + " --no-pager -o cat 2>/dev/null | tail -n 12 | sed 's/^/journal=/'\n";
    }

    static ServiceCheck.Verdict judge(String output) {
        Map<String, List<String>> v = ServiceCheck.parse(output);
        String error = ServiceCheck.first(v, "error");
        if (!error.isEmpty()) {
            return new ServiceCheck.Verdict(CheckOutcome.Status.FAILED, error + " in the systemd container", output);
        }
        List<String> problems = new ArrayList<>();
        String pid = ServiceCheck.first(v, "pid");
        if (!ServiceCheck.first(v, "active").equals("active") || !pid.matches("[1-9]\\d*")) {
            String status = ServiceCheck.first(v, "status");
            problems.add("systemctl start " + ServiceCheck.UNIT + " did not leave it running (is-active '"
                    + ServiceCheck.first(v, "active") + "', MainPID '" + pid + "'"
                    + (status.matches("[1-9]\\d*") ? ", the node exited with status " + status : "") + ")");
        } else {
            if (!ServiceCheck.first(v, "user").equals(ServiceCheck.USER)) {
                problems.add("the node runs as '" + ServiceCheck.first(v, "user") + "', not " + ServiceCheck.USER);
            }
            String cmd = ServiceCheck.first(v, "cmdline");
            for (String flag : List.of(ValidationOptions.BINARY, "--config-file=" + ServiceCheck.CONFIG_PATH,
                    "--data-dir=" + ServiceCheck.DATA_DIR, "--plugin-dir=" + ValidationOptions.PLUGIN_DIR)) {
                if (!(" " + cmd + " ").contains(" " + flag + " ")) {
                    problems.add("the node's command line '" + cmd + "' lacks " + flag);
                }
            }
        }
        String context = ServiceCheck.first(v, "context");
        if (!context.startsWith(ServiceCheck.USER + ":" + ServiceCheck.USER + " ")) {
            problems.add("the node did not write " + ServiceCheck.DATA_DIR + "/process.json as " + ServiceCheck.USER
                    + " (" + context + ")");
        }
        String limit = ServiceCheck.first(v, "limit");
        if (!limit.matches("\\d+") || Long.parseLong(limit) < 32768) {
            problems.add("LimitNOFILE is '" + limit + "', below avalanchego's --fd-limit 32768");
        }
        if (!ServiceCheck.first(v, "after").equals("inactive") || !ServiceCheck.first(v, "alive").equals("no")) {
            problems.add("systemctl stop did not stop the node (is-active '" + ServiceCheck.first(v, "after")
                    + "', process alive: " + ServiceCheck.first(v, "alive") + ")");
        }
        if (!problems.isEmpty()) {
            return new ServiceCheck.Verdict(CheckOutcome.Status.FAILED, String.join("; ", problems), output);
        }
        List<String> notes = new ArrayList<>();
        String root = last(v, "mount /");
        String data = last(v, "mount " + ServiceCheck.DATA_DIR);
        boolean sandboxed = ServiceCheck.first(v, "mounts").equals("private") && root.startsWith("ro")
                && data.startsWith("rw");
        if (!sandboxed) {
            notes.add("NOTE: systemd could not apply ProtectSystem= and the other namespace settings in this "
                    + "unprivileged container (it needs CAP_SYS_ADMIN, which validation does not grant); on a host "
                    + "they apply");
        } else {
            notes.add("ProtectSystem=strict in effect (/ read-only, " + ServiceCheck.DATA_DIR + " writable for the "
                    + "node)");
        }
        String nofile = ServiceCheck.first(v, "nofile");
        if (nofile.matches("\\d+") && Long.parseLong(nofile) < Long.parseLong(limit)) {
            notes.add("NOTE: the container engine caps open files at " + nofile + " (the unit asks " + limit + ")");
        }
        return new ServiceCheck.Verdict(CheckOutcome.Status.PASSED, "systemd (" + ServiceCheck.first(v, "boot")
                + ") started " + ServiceCheck.UNIT + ": the node ran as " + ServiceCheck.USER + " (pid " + pid
                + ") with the unit's flags and wrote " + ServiceCheck.DATA_DIR + "/process.json; systemctl stop "
                + "stopped it" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)), output);
    }

    /** The last value of a key: the mount on top for a mount point. */
    private static String last(Map<String, List<String>> v, String key) {
        List<String> l = v.get(key);
        return l == null || l.isEmpty() ? "" : l.get(l.size() - 1).strip();
    }

    private static String lastLine(String s) {
        List<String> l = s.strip().lines().toList();
        return l.isEmpty() ? "" : l.get(l.size() - 1).strip();
    }

    private static ProcessRunner.Result docker(ContainerTarget.Engine engine, String... args) {
        return engine.docker(args);
    }
}
