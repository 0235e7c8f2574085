package io.avalanche.rpm.release;

import io.avalanche.rpm.Futures;
import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.RpmException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Work run on a thread of its own beside the caller's (one arch's packaging while the next arch builds). Its log lines
 * and progress are held back and replayed on the caller's thread, in order, when the caller {@link #join joins} it:
 * the log reads as if the work had run in sequence, and the caller's log and progress are never called from another
 * thread. {@link #stop} ends it at its next progress report.
 */
final class Beside<T> {
    /** The work, given the log and progress it reports to. */
    @FunctionalInterface
    interface Work<T> {
        T run(Consumer<String> log, ProgressReporter progress);
    }

    private final List<Runnable> held = new ArrayList<>();
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;
    private final Consumer<String> log;
    private volatile boolean stopped;

    private Beside(String name, Work<T> work, Consumer<String> log, ProgressReporter progress) {
        this.log = log;
        thread = new Thread(() -> {
            try {
                result.complete(work.run(this::hold, heldProgress(progress)));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts {@code work} now on a daemon thread named {@code name}; {@code log} and {@code progress} are the
     * caller's.
     */
    static <T> Beside<T> start(String name, Work<T> work, Consumer<String> log, ProgressReporter progress) {
        return new Beside<>(name, work, log, progress);
    }

    private void hold(String line) {
        synchronized (held) {
            held.add(() -> log.accept(line));
        }
    }

    private ProgressReporter heldProgress(ProgressReporter progress) {
        return (name, total) -> new ProgressReporter.Task() {
            private long done;
            private boolean ok;

            @Override
            public void advance(long bytes) {
                if (stopped) {
                    throw new RpmException("stopped: " + name);
                }
                done += bytes;
            }

            @Override
            public void succeeded() {
                ok = true;
            }

            @Override
            public void close() {
                long d = done;
                boolean k = ok;
                synchronized (held) {
                    held.add(() -> {
                        try (ProgressReporter.Task t = progress.start(name, total)) {
                            t.advance(d);
                            if (k) {
                                t.succeeded();
                            }
                        }
                    });
                }
            }
        };
    }

    /**
     * Waits for the work and its thread to end, replays what it reported, and returns its value; its failure is
     * rethrown as itself.
     */
    T join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new RpmException("interrupted", e);
        } finally {
            replay();
        }
        return Futures.join(result);
    }

    /**
     * Ends the work at its next progress report and waits, uninterruptibly, for its thread to end; what it reported is
     * replayed, its failure dropped.
     */
    void stop() {
        stopped = true;
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            replay();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void replay() {
        List<Runnable> lines;
        synchronized (held) {
            lines = List.copyOf(held);
            held.clear();
        }
        lines.forEach(Runnable::run);
    }
}
