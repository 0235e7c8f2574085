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
 * as one of them (nothing is quoted into shell text). The machine ({@code uname -m}) comes first. Each step's exit
 * status comes back on stdout as a marker line {@code @@rpm-release-step N STATUS} as soon as the step ends (printed
 * by the shell itself); the steps' outputs (stdout and stderr together, each its first 256 KiB) follow once, after
 * the last step: their sizes ({@code wc -c}) and then all of them in one base64 block. Three programs frame every
 * output of a run instead of two per step, which under qemu-user emulation cost ~0.1 s each; the outputs are files
 * in the container's own /tmp, which goes with the container (no mktemp, no clean-up: two programs fewer). Nothing a
 * package prints can pass for a result: the block is decoded only when its length is exactly the sum of the sizes.
 */
final class ContainerScript {
    static final String BEGIN = "@@rpm-release-steps v2";
    static final String MACHINE = "@@rpm-release-machine ";
    static final String STEP = "@@rpm-release-step ";
    static final String SIZES = "@@rpm-release-sizes";
    static final String OUTPUTS = "@@rpm-release-outputs";
    static final String END = "@@rpm-release-done";
    /** What a gated script prints and ends with when its standard input does not give it {@link #GO}. */
    static final String GATE_CLOSED = "@@rpm-release-gate-closed";
    /** The line a gated script waits for on its standard input before its first step. */
    static final String GO = "go";
    /** A gated script's wait: every step runs only after the line {@link #GO} arrived on standard input. */
    private static final String GATE = "IFS= read -r go || go=''\n[ \"$go\" = " + GO + " ] || { echo '" + GATE_CLOSED
            + "'; exit 0; }\n";
    /** Where step N's output is kept in the container: /tmp/.rpm-release-step-N. */
    static final String OUTPUTS_AT = "/tmp/.rpm-release-step";
    /** The output of a step whose status came back but whose output did not (the run ended before the last step). */
    static final String OUTPUT_LOST = "(output not received: the container run ended before its last step)";
    private static final String PRELUDE = String.join("\n",
            "set -u",
            "ok=' '",
            "ran=''",
            "s() { n=$1; shift; \"$@\" >\"$d-$n\" 2>&1 </dev/null; r=$?; ok=\"$ok$n:$r \"; ran=\"$ran $d-$n\";"
                    + " printf '" + STEP + "%s %s\\n' \"$n\" \"$r\"; }",
            "p() { for i; do case \"$ok\" in *\" $i:0 \"*) ;; *) return 1 ;; esac; done; }",
            "echo '" + BEGIN + "'",
            "echo \"" + MACHINE + "$(uname -m)\"",
            "");
    /** After the last step: the sizes of the outputs, then the outputs (each cut at its first 256 KiB) in base64. */
    private static final String CODA = String.join("\n",
            "echo '" + SIZES + "'",
            "wc -c $ran </dev/null",
            "echo '" + OUTPUTS + "'",
            "head -q -c " + LocalTarget.MAX_OUTPUT + " $ran </dev/null | base64",
            "echo '" + END + "'",
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
        return render(OUTPUTS_AT, commands, needs, false);
    }

    /**
     * As {@link #render(List, List)}; {@code gated}: after the machine line the script waits for the line {@link #GO}
     * on its standard input, and without it (end of input, anything else) ends, printing {@link #GATE_CLOSED}, before
     * any step.
     */
    static Rendered render(List<List<String>> commands, List<List<Integer>> needs, boolean gated) {
        return render(OUTPUTS_AT, commands, needs, gated);
    }

    /** As {@link #render(List, List, boolean)}, with step N's output in the file {@code outputs}-N (a plain path). */
    static Rendered render(String outputs, List<List<String>> commands, List<List<Integer>> needs, boolean gated) {
        if (!outputs.matches("/[A-Za-z0-9/._-]+")) {
            throw new IllegalArgumentException("not a plain absolute path: " + outputs);
        }
        StringBuilder script = new StringBuilder("d='" + outputs + "'\n").append(PRELUDE);
        if (gated) {
            script.append(GATE);
        }
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
        script.append(CODA);
        return new Rendered(script.toString(), args);
    }

    /** The most a run of {@code steps} steps prints: markers, sizes, and base64 lines of 76 characters per 57 bytes. */
    static int maxStdout(int steps) {
        return steps * (LocalTarget.MAX_OUTPUT / 57 * 77 + 1024) + 1024;
    }

    /**
     * What came back: whether the script started and finished, the machine its programs run as ({@code uname -m}, or
     * null), and the result of each step that ran, by index.
     */
    record Parsed(boolean started, boolean finished, String machine, Map<Integer, ProcessRunner.Result> results) {
    }

    /**
     * Reads the script's stdout. Statuses are read up to the first malformed or repeated marker line (the steps after
     * it have no result); a step whose status came but whose output did not (no well-formed output block) gets
     * {@link #OUTPUT_LOST} as its output.
     */
    static Parsed parse(String stdout, List<List<String>> commands) {
        Map<Integer, ProcessRunner.Result> results = new LinkedHashMap<>();
        List<String> lines = stdout.lines().toList();
        int i = lines.indexOf(BEGIN);
        if (i < 0) {
            return new Parsed(false, false, null, results);
        }
        String machine = i + 1 < lines.size() && lines.get(i + 1).startsWith(MACHINE)
                ? lines.get(++i).substring(MACHINE.length()) : null;
        Map<Integer, Integer> status = new LinkedHashMap<>();
        boolean intact = true;
        for (i++; i < lines.size() && lines.get(i).startsWith(STEP); i++) {
            String[] head = lines.get(i).substring(STEP.length()).split(" ");
            if (head.length != 2 || !head[0].matches("\\d{1,4}") || !head[1].matches("\\d{1,3}")
                    || Integer.parseInt(head[0]) >= commands.size() || status.containsKey(Integer.parseInt(head[0]))) {
                intact = false;
                break;
            }
            status.put(Integer.parseInt(head[0]), Integer.parseInt(head[1]));
        }
        Map<Integer, String> outputs = intact ? outputs(lines, i, status) : null;
        for (var e : status.entrySet()) {
            String output = outputs == null ? OUTPUT_LOST : outputs.get(e.getKey());
            results.put(e.getKey(), new ProcessRunner.Result(commands.get(e.getKey()), e.getValue(), output));
        }
        return new Parsed(true, lines.contains(END), machine, results);
    }

    /**
     * The outputs block from line {@code i}: every step of {@code status} has its size line (in the order the steps
     * ran) and the decoded block is exactly as long as their sizes together; else null.
     */
    private static Map<Integer, String> outputs(List<String> lines, int i, Map<Integer, Integer> status) {
        if (i >= lines.size() || !lines.get(i).equals(SIZES)) {
            return null;
        }
        List<Integer> order = new ArrayList<>(status.keySet());
        List<Integer> sizes = new ArrayList<>();
        for (i++; i < lines.size() && !lines.get(i).equals(OUTPUTS); i++) {
            String[] f = lines.get(i).strip().split("\\s+");
            if (f.length == 2 && f[1].equals("total") && order.size() > 1 && sizes.size() == order.size()) {
                continue;
            }
            int at = sizes.size();
            if (f.length != 2 || at >= order.size() || !f[0].matches("\\d{1,12}")
                    || !f[1].endsWith("-" + order.get(at))) {
                return null;
            }
            sizes.add((int) Math.min(Long.parseLong(f[0]), LocalTarget.MAX_OUTPUT));
        }
        if (i >= lines.size() || sizes.size() != order.size()) {
            return null;
        }
        StringBuilder b64 = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).equals(END); i++) {
            b64.append(lines.get(i).strip());
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (all.length != sizes.stream().mapToLong(Integer::longValue).sum()) {
            return null;
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        int at = 0;
        for (int k = 0; k < order.size(); k++) {
            out.put(order.get(k), new String(all, at, sizes.get(k), StandardCharsets.UTF_8));
            at += sizes.get(k);
        }
        return out;
    }
}
