package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;
import io.avalanche.rpm.RpmException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Removing one validation container ({@code docker rm -f}): after its run, on a thread of its own or at once, and at
 * JVM exit from
 * a shutdown hook, which waits for a removal already under way instead of running a second one and, when the exit
 * interrupted a run, watches a moment for the container the engine was still creating.
 */
final class ContainerRemoval {
    private static final java.util.concurrent.Executor REMOVALS = io.avalanche.rpm.Futures.daemons("container-rm");
    /** How long an exit that interrupted a run watches for the container the engine was still creating. */
    private static final Duration LATE_CREATION = Duration.ofSeconds(3);

    private final ContainerTarget.Engine runtime;
    private final String name;
    private final Thread hook;
    /** Completes when the removal {@link #close} started has ended. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean mayExist;
    private volatile boolean closing;
    /** A {@code docker run} of the container is under way. */
    private volatile boolean running;
    private boolean hooked;

    ContainerRemoval(ContainerTarget.Engine runtime, String name) {
        this.runtime = runtime;
        this.name = name;
        this.hook = new Thread(() -> atExit(running), "rm-" + name);
    }

    /** Before a run: an earlier run's container (same name) removed, the exit hook in place. */
    void beforeRun(String image) {
        removeIfStarted();
        mayExist = true;
        if (!hooked) {
            try {
                java.lang.Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException e) {
                mayExist = false;
                throw new RpmException("interrupted: not starting a container of " + image, e);
            }
            hooked = true;
        }
    }

    /** Runs the {@code docker run} of the container, marked as under way for the exit hook. */
    ProcessRunner.Result during(Supplier<ProcessRunner.Result> run) {
        running = true;
        try {
            return run.get();
        } finally {
            running = false;
        }
    }

    /** Removes the container (if one was started) on another thread; the shutdown hook stays until that is done. */
    void close() {
        if (!hooked) {
            return;
        }
        closing = true;
        REMOVALS.execute(() -> {
            try {
                removeAndUnhook();
            } finally {
                closed.complete(null);
            }
        });
    }

    /** Removes the container (if one was started) now; the shutdown hook stays unless it is gone. */
    void closeNow() {
        if (hooked) {
            removeAndUnhook();
        }
    }

    private void removeAndUnhook() {
        removeIfStarted();
        if (!mayExist) {
            try {
                java.lang.Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down and runs the hook itself
            }
        }
    }

    /**
     * At JVM exit: waits for a removal {@link #close} started, then removes the container if it may still exist;
     * {@code runUnderWay}: the exit interrupted a run, whose container the engine may still be creating (the killed
     * CLI's request goes on), so it is watched for {@link #LATE_CREATION} when none was there to remove.
     */
    void atExit(boolean runUnderWay) {
        if (closing) {
            try {
                closed.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // removed below
            }
        }
        if (removeIfStarted() || !runUnderWay) {
            return;
        }
        long end = System.nanoTime() + LATE_CREATION.toNanos();
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            mayExist = true;
            if (removeIfStarted()) {
                return;
            }
        }
    }

    /** Removes the container if it may exist; true when the engine had one to remove. */
    private boolean removeIfStarted() {
        if (mayExist) {
            try {
                ProcessRunner.Result r = runtime.docker("rm", "-f", name);
                if (r.ok()) {   // also for no such container (-f)
                    mayExist = false;
                    return r.output().lines().anyMatch(l -> l.strip().equals(name));
                }
            } catch (RuntimeException ignored) {
                // nothing more can be done; the name is unique and says who left it
            }
        }
        return false;
    }
}
