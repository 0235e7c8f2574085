package io.avalanche.rpm.sign;

import io.avalanche.rpm.Profile;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A signing key being opened while other work runs: a key file is parsed and unlocked, an ephemeral RSA-4096 key
 * generated, on a thread of its own while the payload compresses or the build runs. A token key is not opened
 * early: logging in waits for {@link #open} (failed logins count against the PIN, so only once the request is
 * known to be good). {@link #get} waits for the key, {@link #close} closes it.
 */
public final class PendingKey implements AutoCloseable {
    private final FutureTask<SigningKey> task;
    /** Opened on a thread of its own (not a token's, which opens on the caller's thread when asked for). */
    private final boolean background;

    private PendingKey(FutureTask<SigningKey> task, boolean background) {
        this.task = task;
        this.background = background;
    }

    /** Starts opening {@code source}: now on its own thread, or, for a token, at {@link #open} or {@link #get}. */
    public static PendingKey start(KeySource source) {
        java.util.concurrent.Callable<SigningKey> open = () -> {
            SigningKey k = source.open();
            Profile.mark(source instanceof KeySource.Ephemeral ? "ephemeral key generated"
                    : source instanceof KeySource.KeyFile ? "key parsed and unlocked" : "token key opened");
            return k;
        };
        if (source instanceof KeySource.Pkcs11) {
            return new PendingKey(new FutureTask<>(open), false);
        }
        return opening(open);
    }

    /** Starts {@code open} on a thread of its own now. */
    public static PendingKey opening(java.util.concurrent.Callable<SigningKey> open) {
        PendingKey p = new PendingKey(new FutureTask<>(open), true);
        Thread t = new Thread(p.task, "open-key");
        t.setDaemon(true);
        t.start();
        return p;
    }

    /**
     * True while the key is still being opened on its own thread ({@link #get} would wait); false once it is open or
     * failed, and for a token key (opened on the caller's thread when asked for).
     */
    public boolean opening() {
        return background && !task.isDone();
    }

    /** A key that is open already. */
    public static PendingKey of(SigningKey key) {
        PendingKey p = new PendingKey(new FutureTask<>(() -> key), false);
        p.task.run();
        return p;
    }

    /** Opens a token key now, on this thread (once the rest of the request is known good); a no-op for others. */
    public void open() {
        task.run();   // runs only if not yet started
        failFast();
    }

    /** Rethrows the opening failure if the key has already failed to open; returns at once otherwise. */
    public void failFast() {
        if (task.isDone()) {
            get();
        }
    }

    /** The open key, waiting for it (a token key is opened now); its opening failure is rethrown as thrown. */
    public SigningKey get() {
        task.run();   // a token key not opened yet: here; a no-op when started or done
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the signing key", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Closes the key (ends a token session). A key still being opened on its own thread (a key file or an
     * ephemeral key, which hold nothing to close) is abandoned, not waited for.
     */
    @Override
    public void close() {
        if (!task.isDone()) {
            task.cancel(false);
            return;
        }
        try {
            task.get().close();
        } catch (ExecutionException | CancellationException ignored) {
            // a failure to open was reported by get(), or the work failed before the key was needed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
