package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every step of a container validation as one POSIX shell script, so a container costs one {@code docker run}:
 * the script text is fixed code that refers to its positional parameters, and every path and argument travels
 * as one of them (nothing is quoted into shell text). Each step's exit status and output (stdout and stderr
 * together, its first 256 KiB) come back on stdout as a marker line {@code @@rpm-release-step N STATUS} followed
 * by the output in base64, so nothing a package prints can pass for a result.
 */
final class ContainerScript {
    static final String BEGIN = "@@rpm-release-steps v1";
    static final String STEP = "@@rpm-release-step ";
    static final String END = "@@rpm-release-done";
    private static final String PRELUDE = String.join("\n",
            "set -u",
            "d=$(mktemp -d) || exit 125",
            "trap 'rm -rf \"$d\"' EXIT",
            "ok=' '",
            "s() { n=$1; shift; \"$@\" >\"$d/o\" 2>&1 </dev/null; r=$?; ok=\"$ok$n:$r \";"
                    + " printf '" + STEP + "%s %s\\n' \"$n\" \"$r\"; head -c " + LocalTarget.MAX_OUTPUT
                    + " \"$d/o\" | base64; }",
            "p() { for i; do case \"$ok\" in *\" $i:0 \"*) ;; *) return 1 ;; esac; done; }",
            "echo '" + BEGIN + "'",
            "");

    private ContainerScript() {
    }

    /** The script and the arguments that follow it ({@code sh -c SCRIPT NAME ARG...}). */
    record Rendered(String script, List<String> args) {
        Rendered {
            args = List.copyOf(args);
        }
    }

    /**
     * Renders {@code commands} (step i's argument list at index i, in order) as one script; step i runs only when
     * every step listed in {@code needs.get(i)} (indexes of earlier steps) exited 0.
     */
    static Rendered render(List<List<String>> commands, List<List<Integer>> needs) {
        StringBuilder script = new StringBuilder(PRELUDE);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            List<Integer> need = needs.get(i);
            if (!need.isEmpty()) {
                script.append("p");
                need.forEach(n -> script.append(' ').append(n));
                script.append(" && ");
            }
            script.append("s ").append(i);
            for (String arg : commands.get(i)) {
                args.add(arg);
                script.append(" \"${").append(args.size()).append("}\"");
            }
            script.append('\n');
        }
        script.append("echo '").append(END).append("'\n");
        return new Rendered(script.toString(), args);
    }

    /** What came back: whether the script started and finished, and the result of each step that ran, by index. */
    record Parsed(boolean started, boolean finished, Map<Integer, ProcessRunner.Result> results) {
    }

    /** Reads the script's stdout; a malformed frame ends the reading (the steps after it have no result). */
    static Parsed parse(String stdout, List<List<String>> commands) {
        Map<Integer, ProcessRunner.Result> results = new LinkedHashMap<>();
        List<String> lines = stdout.lines().toList();
        int i = lines.indexOf(BEGIN);
        if (i < 0) {
            return new Parsed(false, false, results);
        }
        for (i++; i < lines.size(); ) {
            String line = lines.get(i++);
            if (line.equals(END)) {
                return new Parsed(true, true, results);
            }
            String[] head = line.startsWith(STEP) ? line.substring(STEP.length()).split(" ") : new String[0];
            if (head.length != 2 || !head[0].matches("\\d{1,4}") || !head[1].matches("\\d{1,3}")) {
                break;
            }
            int n = Integer.parseInt(head[0]);
            StringBuilder b64 = new StringBuilder();
            while (i < lines.size() && !lines.get(i).startsWith("@@")) {
                b64.append(lines.get(i++).strip());
            }
            String output;
            try {
                output = new String(Base64.getDecoder().decode(b64.toString()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                break;
            }
            if (n >= commands.size() || results.containsKey(n)) {
                break;
            }
            results.put(n, new ProcessRunner.Result(commands.get(n), Integer.parseInt(head[1]), output));
        }
        return new Parsed(true, false, results);
    }
}
