package io.avalanche.rpm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way main code runs an external program: an argument list (never a shell string), optional working
 * directory, extra environment, standard input, timeout and a sink for output lines as they come; the output is
 * kept (bounded). Stdout and stderr are read together unless {@link #errorsApart()} is asked for.
 */
public final class ProcessRunner {
    /** How much output a result keeps by default (the rest is read and dropped). */
    public static final int MAX_OUTPUT = 1 << 20;

    /**
     * Exit status (-1 on timeout), the output (stdout and stderr, or stdout only) and stderr when kept apart; a
     * timeout is noted at the end of the errors when they are kept apart, else of the output.
     */
    public record Result(List<String> command, int exitCode, String output, String errors) {
        public Result {
            command = List.copyOf(command);
            errors = errors == null ? "" : errors;
        }

        public Result(List<String> command, int exitCode, String output) {
            this(command, exitCode, output, "");
        }

        public boolean ok() {
            return exitCode == 0;
        }

        /** "cmd ...: exit N", for messages. */
        public String describe() {
            return String.join(" ", command) + ": exit " + exitCode;
        }

        /** The last {@code n} lines of the output. */
        public List<String> tail(int n) {
            List<String> lines = output.lines().toList();
            return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    private final List<String> command;
    private Path dir;
    private Map<String, String> env = Map.of();
    private Duration timeout;
    private byte[] input;
    private java.util.concurrent.Future<byte[]> laterInput;
    private Consumer<String> lines;
    private boolean errorsApart;
    private int maxOutput = MAX_OUTPUT;

    private ProcessRunner(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = List.copyOf(command);
    }

    /** A command as an argument list. */
    public static ProcessRunner of(List<String> command) {
        return new ProcessRunner(command);
    }

    /** A command as arguments. */
    public static ProcessRunner of(String... command) {
        return new ProcessRunner(List.of(command));
    }

    /** Runs in {@code directory} (null: the current directory). */
    public ProcessRunner in(Path directory) {
        this.dir = directory;
        return this;
    }

    /** Adds these variables to the inherited environment. */
    public ProcessRunner env(Map<String, String> variables) {
        this.env = Map.copyOf(variables);
        return this;
    }

    /** Kills the program and its descendants after this long (exit status -1); null waits for ever. */
    public ProcessRunner timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** Writes these bytes to the program's standard input, then closes it (by default it is closed at once). */
    public ProcessRunner input(byte[] bytes) {
        this.input = bytes.clone();
        return this;
    }

    /**
     * Writes the bytes {@code later} completes with to the program's standard input once it completes, then closes it;
     * nothing when it completes with null, fails or is cancelled. The program runs meanwhile (waiting for its input);
     * when the timeout comes first it is killed before its input closes, and the run has timed out (exit status -1).
     */
    public ProcessRunner input(java.util.concurrent.Future<byte[]> later) {
        this.laterInput = later;
        return this;
    }

    /** Hands each output line to {@code sink} as it is read (on a reader thread; the caller is waiting). */
    public ProcessRunner onLine(Consumer<String> sink) {
        this.lines = sink;
        return this;
    }

    /** Keeps stderr apart ({@link Result#errors()}); the output is then stdout only. */
    public ProcessRunner errorsApart() {
        this.errorsApart = true;
        return this;
    }

    /** Keeps at most this many bytes of output. */
    public ProcessRunner maxOutput(int bytes) {
        this.maxOutput = bytes;
        return this;
    }

    /**
     * Runs and waits; RpmException when the program cannot be started, the wait is interrupted, or the JVM is stopping
     * this run ({@link ExitCleanup}: a process started meanwhile is ended with its run).
     */
    public Result run() {
        Process p = begin(new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(!errorsApart));
        Reader out = new Reader(p.getInputStream(), maxOutput, lines, "process-output");
        Reader err = errorsApart ? new Reader(p.getErrorStream(), maxOutput, null, "process-errors") : null;
        long deadline = System.nanoTime() + (timeout == null ? 0 : timeout.toNanos());
        try (ExitCleanup.Registration running = ExitCleanup.process(p)) {
            boolean inputTimedOut = false;
            try (OutputStream in = p.getOutputStream()) {
                byte[] bytes = input;
                if (laterInput != null) {
                    try {
                        bytes = awaitInput(deadline);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // killed before its input closes: a program reading to the end must not finish on no input
                        inputTimedOut = true;
                        kill(p);
                    }
                }
                if (bytes != null && !inputTimedOut) {
                    in.write(bytes);
                }
            } catch (IOException e) {
                // the program closed its input early; its exit status and output tell what happened
            }
            boolean done = !inputTimedOut && (timeout == null ? waitFor(p)
                    : p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            if (!done) {
                kill(p);
            }
            String text = out.finish();
            String errors = err == null ? "" : err.finish();
            if (!done && err == null) {
                text += "\n(timed out after " + timeout.toSeconds() + " s)";
            } else if (!done) {
                errors += "\n(timed out after " + timeout.toSeconds() + " s)";
            }
            return new Result(command, done ? p.exitValue() : -1, text, errors);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new RpmException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Starts the program and returns it running, for a program that lives beside the caller (a lock holder, a namespace
     * holder): its standard input open, stdout and stderr together, written to {@code log} (null: read them from the
     * returned process). The caller ends it; the timeout, input and output settings are for {@link #run} only.
     */
    public Process start(Path log) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        }
        return begin(pb);
    }

    /** Starts {@code pb} in this runner's directory and environment; refused while the JVM is stopping. */
    private Process begin(ProcessBuilder pb) {
        if (ExitCleanup.stopping()) {
            throw new RpmException("interrupted: not starting " + command.get(0));
        }
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new RpmException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed and on PATH?)", e);
        }
    }

    /**
     * The later input (null: none, as when it failed or was cancelled), waited for until the run's {@code deadline}
     * (none without a timeout); TimeoutException when the deadline came first.
     */
    private byte[] awaitInput(long deadline) throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            return timeout == null ? laterInput.get()
                    : laterInput.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return null;
        }
    }

    /** How long {@link #kill} waits for the killed processes to end. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /**
     * Kills {@code p} and its descendants and waits (at most {@link #KILL_WAIT}, even on an interrupted thread) until
     * each has ended: a JVM stopping right after (SIGINT) leaves none of them running.
     */
    static void kill(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        kill(all, KILL_WAIT);
    }

    /**
     * Kills {@code processes} (SIGKILL, in this order) and waits, at most {@code wait} in all and even on an interrupted
     * thread, until each has {@link #ended}.
     */
    public static void kill(java.util.Collection<ProcessHandle> processes, Duration wait) {
        processes.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + wait.toNanos();
        for (ProcessHandle h : processes) {
            while (!ended(h) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        }
    }

    /**
     * Gone, or a zombie whose parent has yet to reap it: it has ended, though {@link ProcessHandle#isAlive} still
     * says alive.
     */
    public static boolean ended(ProcessHandle h) {
        if (!h.isAlive()) {
            return true;
        }
        String stat;
        try {
            stat = java.nio.file.Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
        } catch (IOException e) {
            return !h.isAlive();
        }
        int end = stat.lastIndexOf(") ");
        return end < 0 || stat.length() < end + 3 || "ZX".indexOf(stat.charAt(end + 2)) >= 0;
    }

    private static boolean waitFor(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    /**
     * Reads one stream on its own thread: keeps its first max bytes and its last 64 KiB (so a long build's failure
     * still shows its last lines), hands complete lines to the sink.
     */
    private static final class Reader implements Runnable {
        private static final int TAIL = 64 * 1024;
        private final InputStream in;
        private final int max;
        private final Consumer<String> sink;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final byte[] tail = new byte[TAIL];
        private long beyond;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Thread thread;
        private RuntimeException sinkFailure;

        Reader(InputStream in, int max, Consumer<String> sink, String name) {
            this.in = in;
            this.max = max;
            this.sink = sink;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    keep(buf, n);
                    if (sink != null) {
                        lines(buf, n);
                    }
                }
            } catch (IOException ignored) {
                // the program ended or was killed; what was read is kept
            }
            if (sink != null && line.size() > 0) {
                emit();
            }
        }

        private void keep(byte[] buf, int n) {
            synchronized (kept) {
                int head = Math.max(0, Math.min(n, max - kept.size()));
                kept.write(buf, 0, head);
                for (int i = head; i < n; i++) {
                    tail[(int) (beyond++ % TAIL)] = buf[i];
                }
            }
        }

        private void lines(byte[] buf, int n) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, start, i - start);
                    emit();
                    start = i + 1;
                }
            }
            line.write(buf, start, n - start);
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            if (sinkFailure == null) {
                try {
                    sink.accept(s);
                } catch (RuntimeException e) {
                    sinkFailure = e;
                }
            }
        }

        /** Waits (up to 10 s after the program ended: a descendant may hold the pipe) and returns what was kept. */
        String finish() throws InterruptedException {
            thread.join(10_000);
            if (!thread.isAlive() && sinkFailure != null) {
                throw sinkFailure;
            }
            synchronized (kept) {
                String head = kept.toString(StandardCharsets.UTF_8);
                if (beyond == 0) {
                    return head;
                }
                int len = (int) Math.min(beyond, TAIL);
                byte[] last = new byte[len];
                for (int i = 0; i < len; i++) {
                    last[i] = tail[(int) ((beyond - len + i) % TAIL)];
                }
                String rest = new String(last, StandardCharsets.UTF_8);
                return beyond == len ? head + rest
                        : head + "\n(" + (beyond - len) + " bytes of output left out)\n" + rest;
            }
        }
    }
}
