package io.avalanche.rpm.validate;

import io.avalanche.rpm.RpmException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A container install started before a validation's gates are judged: the container starts with every step held at
 * its gate ({@link ContainerTarget#run(List, CompletableFuture)}) while the engine checks the image's arch and the
 * checks in Java run, so its start is off the critical path. Nothing of the release runs before {@link #open} opens
 * the gate, which it does only once the image passed; {@link #close} without it closes the gate (the script ends
 * before its first step) and removes the container.
 */
final class HeldInstall implements AutoCloseable {
    private final long t0 = System.nanoTime();
    private final List<Step> steps;
    private final Map<String, String> misplaced;
    private final CompletableFuture<Boolean> go = new CompletableFuture<>();
    private final CompletableFuture<Step.Results> results = new CompletableFuture<>();
    private final CompletableFuture<ValidationException> image;
    private final ContainerTarget target;
    private final Thread worker;
    private boolean taken;

    /**
     * Starts {@code steps} (the install phase's, for {@code rel}; {@code misplaced}: the plugins they leave out) in a
     * container of {@code c}'s image.
     */
    HeldInstall(List<Step> steps, Map<String, String> misplaced, FetchedRelease rel, ValidationOptions.Container c,
                Platform platform) {
        this.steps = List.copyOf(steps);
        this.misplaced = Map.copyOf(misplaced);
        String img = c.imageFor(platform.arch());
        image = CompletableFuture.supplyAsync(() -> ContainerTarget.imageRefusal(c.engine(), img, platform),
                io.avalanche.rpm.Futures.daemons("image-check"));
        java.nio.file.Path dir = rel.publicKey().toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException("no directory holds " + rel.publicKey());
        }
        target = ContainerTarget.unchecked(c.engine(), img, dir, platform);
        worker = new Thread(() -> {
            try {
                results.complete(target.run(steps, go));
            } catch (Throwable e) {
                results.completeExceptionally(e);
            }
        }, "validate-" + target.name());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Opens the gate once the image passed its check and waits for the steps' results (an interrupt stops the
     * container's run); a refused image closes the gate and is thrown once the container's run ended.
     */
    Step.Results open() {
        taken = true;
        ValidationException refused;
        try {
            refused = io.avalanche.rpm.Futures.join(image);
        } catch (RpmException e) {
            throw ended(e);
        }
        if (refused != null) {
            throw ended(refused);
        }
        go.complete(true);
        try {
            return results.get();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new RpmException("interrupted while validating in " + target.describe(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            io.avalanche.rpm.Futures.throwIfUnchecked(e.getCause());
            throw new RpmException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * {@code e}, once the gate is closed and the container's run ended there (the container can then be removed
     * without racing its start).
     */
    private <E extends RuntimeException> E ended(E e) {
        go.complete(false);
        try {
            results.handle((r, x) -> r).get(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException x) {
            e.addSuppressed(x);
        }
        return e;
    }

    /** The install phase's steps, as the container runs them. */
    List<Step> steps() {
        return steps;
    }

    /** The plugins the steps leave out, with why (the install phase reports them). */
    Map<String, String> misplaced() {
        return misplaced;
    }

    /** When the install started (System.nanoTime). */
    long started() {
        return t0;
    }

    /** The container, its image not necessarily checked yet. */
    ContainerTarget target() {
        return target;
    }

    /** Closes the gate unless {@link #open} took the install; the container is removed once its run ended. */
    @Override
    public void close() {
        go.complete(false);
        if (!taken) {
            ContainerTarget t = target;
            results.whenComplete((r, e) -> t.close());
        }
    }
}
