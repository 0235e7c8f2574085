package io.avalanche.rpm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/** Work a command runs beside its main thread: daemon threads, and futures whose failure is rethrown as itself. */
public final class Futures {
    private Futures() {
    }

    /** Runs each task on a new daemon thread named {@code name} (a stopping JVM does not wait for it). */
    public static Executor daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        };
    }

    /** The value of a future; its failure rethrown as itself (RuntimeException, Error), not wrapped. */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throwIfUnchecked(e.getCause());
            throw e;
        }
    }

    /**
     * Throws {@code cause} (a task's failure, unwrapped from its ExecutionException or CompletionException) as itself
     * when it is a RuntimeException or an Error; returns for a checked one, which the caller wraps.
     */
    public static void throwIfUnchecked(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
    }
}
