package io.avalanche.rpm.validate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The container engine's processes on this machine, read from /proc: conmon monitors and what names a container. */
final class EngineProcesses {
    private static final Pattern NAME = Pattern.compile(Pattern.quote(ContainerTarget.NAME_PREFIX) + "[0-9a-f]+");

    private EngineProcesses() {
    }

    /** Every conmon process (of any user of the engine). */
    static Stream<ProcessHandle> conmon() {
        return ProcessHandle.allProcesses().filter(p -> "conmon".equals(comm(p.pid())));
    }

    /** The validation containers a report names (in its install messages). */
    static Set<String> containerNames(ValidationReport r) {
        Set<String> names = new TreeSet<>();
        for (CheckOutcome c : r.results()) {
            Matcher m = NAME.matcher(c.message());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /**
     * Command lines of live processes that name one of {@code containers}, once none is left or after waiting
     * {@code settle} (a container's own conmon takes a moment to exit after its container).
     */
    static List<String> naming(Set<String> containers, Duration settle) throws InterruptedException {
        long end = System.nanoTime() + settle.toNanos();
        List<String> left;
        do {
            left = new ArrayList<>();
            for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
                String cmd = cmdline(p.pid());
                if (containers.stream().anyMatch(cmd::contains)) {
                    left.add(p.pid() + " " + (cmd.length() > 200 ? cmd.substring(0, 200) + "..." : cmd));
                }
            }
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < end);
        return left;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}
