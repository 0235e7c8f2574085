package io.avalanche.rpm.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small bounded pool for independent store requests of one publish. Only the thread that owns it submits and
 * waits (tasks never wait for other tasks), so it cannot deadlock; a task's failure is rethrown as it was thrown.
 */
public final class Parallel implements AutoCloseable {
    /** Concurrent requests of one publish: enough to hide request latency, few enough for any S3 endpoint. */
    public static final int THREADS = 6;
    private static final AtomicInteger IDS = new AtomicInteger();
    private final ExecutorService pool;

    public Parallel(int threads) {
        int id = IDS.incrementAndGet();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "publish-io-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public <T> Future<T> submit(Callable<T> task) {
        return pool.submit(task);
    }

    /** Runs the tasks concurrently; their results in order. */
    public <T> List<T> all(List<Callable<T>> tasks) {
        if (tasks.size() == 1) {
            return List.of(call(tasks.get(0)));
        }
        List<Future<T>> fs = new ArrayList<>();
        for (Callable<T> t : tasks) {
            fs.add(pool.submit(t));
        }
        List<T> out = new ArrayList<>();
        RuntimeException first = null;
        for (Future<T> f : fs) {
            try {
                out.add(join(f));
            } catch (RuntimeException e) {
                first = first == null ? e : first;
                out.add(null);
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    private static <T> T call(Callable<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /** The task's result; its exception as thrown (RuntimeException, Error), anything else wrapped. */
    public static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new StoreException(c.getMessage(), c);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
