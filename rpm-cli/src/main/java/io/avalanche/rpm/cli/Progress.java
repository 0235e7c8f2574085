package io.avalanche.rpm.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import io.avalanche.rpm.ProgressReporter;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * A progress bar on a terminal; a start and an end line otherwise. The end line says "done" only for a task that
 * {@link #succeeded()}: a failed one says nothing more (its error line follows).
 */
final class Progress implements ProgressReporter.Task {
    private final ProgressBar bar;
    private final PrintWriter plain;
    private final String task;
    private long done;
    private boolean succeeded;

    private Progress(ProgressBar bar, PrintWriter plain, String task) {
        this.bar = bar;
        this.plain = plain;
        this.task = task;
    }

    /** A reporter drawing bars on a terminal and plain lines on {@code err} otherwise. */
    static ProgressReporter reporter(PrintWriter err) {
        return (task, total) -> open(err, task, total);
    }

    static Progress open(PrintWriter err, String task, long total) {
        if (System.console() != null && System.getenv("CI") == null && System.getenv("TERM") != null) {
            ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 1))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1 << 20).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true, Charset.defaultCharset()))).build();
            return new Progress(bar, null, task);
        }
        err.println(task + " ...");
        err.flush();
        return new Progress(null, err, task);
    }

    @Override
    public void advance(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    @Override
    public void succeeded() {
        succeeded = true;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        } else if (succeeded) {
            plain.println(task + ": done (" + done + " bytes)");
            plain.flush();
        }
    }
}
