package io.avalanche.rpm.publish;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A publish's background checks: daemon threads, and futures whose failure is rethrown as itself. */
final class Background {
    private Background() {
    }

    static void newThread(Runnable r) {
        Thread t = new Thread(r, "publish-check");
        t.setDaemon(true);
        t.start();
    }

    /** The value of a future, its failure rethrown as itself (not wrapped). */
    static <T> T joinVerified(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
