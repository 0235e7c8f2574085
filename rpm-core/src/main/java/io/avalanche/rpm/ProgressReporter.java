package io.avalanche.rpm;

/** Where long-running stages (compression, upload) report bytes done; front-ends draw bars or lines. */
@FunctionalInterface
public interface ProgressReporter {
    /** Reports nothing. */
    ProgressReporter NONE = (name, total) -> new Task() {
        @Override
        public void advance(long bytes) {
        }

        @Override
        public void close() {
        }
    };

    /** Starts a task of {@code totalBytes}; close it when done, after {@link Task#succeeded()} when it completed. */
    Task start(String name, long totalBytes);

    /** One running task. */
    interface Task extends AutoCloseable {
        void advance(long bytes);

        /** The task completed: closing it then reports it done (a task closed without this failed or stopped). */
        default void succeeded() {
        }

        @Override
        void close();
    }
}
