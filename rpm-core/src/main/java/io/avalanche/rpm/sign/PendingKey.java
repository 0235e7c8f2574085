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
    /** Run when someone waits for a key still being opened (an ephemeral key's primes: then on 2-4 cores). */
    private final Runnable hurry;
    private static final Runnable NO_HURRY = () -> { };

    private PendingKey(FutureTask<SigningKey> task, boolean background, Runnable hurry) {
        this.task = task;
        this.background = background;
        this.hurry = hurry;
    }

    /** Starts opening {@code source}: now on its own thread, or, for a token, at {@link #open} or {@link #get}. */
    public static PendingKey start(KeySource source) {
        if (source instanceof KeySource.Ephemeral) {   // one thread while the build runs, up to 4 once waited for
            ParallelRsaKeyPairGenerator gen = new ParallelRsaKeyPairGenerator();
            return opening(() -> {
                SigningKey k = SigningKeys.ephemeral(SigningKeys.EPHEMERAL_BITS, java.time.Clock.systemUTC(), gen);
                Profile.mark("ephemeral key generated");
                return k;
            }, gen::hurry);
        }
        java.util.concurrent.Callable<SigningKey> open = () -> {
            SigningKey k = source.open();
            Profile.mark(source instanceof KeySource.KeyFile ? "key parsed and unlocked" : "token key opened");
            return k;
        };
        if (source instanceof KeySource.Pkcs11) {
            return new PendingKey(new FutureTask<>(open), false, NO_HURRY);
        }
        return opening(open, NO_HURRY);
    }

    /** Starts {@code open} on a thread of its own now. */
    public static PendingKey opening(java.util.concurrent.Callable<SigningKey> open) {
        return opening(open, NO_HURRY);
    }

    /** The same, running {@code hurry} when someone waits for the key while it is still being opened. */
    static PendingKey opening(java.util.concurrent.Callable<SigningKey> open, Runnable hurry) {
        PendingKey p = new PendingKey(new FutureTask<>(open), true, hurry);
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
        PendingKey p = new PendingKey(new FutureTask<>(() -> key), false, NO_HURRY);
        p.task.run();
        return p;
    }

    /** Opens a token key now, on this thread (once the rest of the request is known good); a no-op for others. */
    public void open() {
        if (!background) {
            task.run();   // runs only if not yet started
        }
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
        if (!background) {
            task.run();   // a token key not opened yet: here; a no-op when done
        }
        if (!task.isDone()) {
            hurry.run();
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.avalanche.rpm.RpmException("interrupted while opening the signing key", e);
        } catch (ExecutionException e) {
            io.avalanche.rpm.Futures.throwIfUnchecked(e.getCause());
            if (e.getCause() instanceof InterruptedException) {   // the opening thread was stopped
                throw new io.avalanche.rpm.RpmException("interrupted while opening the signing key", e.getCause());
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Closes the key (ends a token session). A key still being opened on its own thread (a key file or an
     * ephemeral key, which hold nothing to close) is abandoned, not waited for; its thread is interrupted, which
     * stops an ephemeral key's search for primes.
     */
    @Override
    public void close() {
        if (!task.isDone()) {
            task.cancel(background);
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
