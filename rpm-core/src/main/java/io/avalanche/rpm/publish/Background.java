package io.avalanche.rpm.publish;

import io.avalanche.rpm.Futures;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A publish's background checks: daemon threads, and futures whose failure is rethrown as itself. */
final class Background {
    private static final Executor CHECKS = Futures.daemons("publish-check");

    private Background() {
    }

    static void newThread(Runnable r) {
        CHECKS.execute(r);
    }

    /** The value of a future, its failure rethrown as itself (not wrapped). */
    static <T> T joinVerified(CompletableFuture<T> f) {
        return Futures.join(f);
    }
}
