package io.avalanche.rpm.release;

import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.RpmException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Work beside the caller: it runs on its own thread, and what it logs reaches the caller's log on join, in order. */
class BesideTest {
    private final List<String> said = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private void log(String line) {
        threads.add(Thread.currentThread());
        said.add(line);
    }

    /** Logs each progress event as it reaches the caller's reporter. */
    private final ProgressReporter progress = (name, total) -> {
        log("start " + name + " of " + total);
        return new ProgressReporter.Task() {
            @Override
            public void advance(long bytes) {
                log("advance " + bytes);
            }

            @Override
            public void succeeded() {
                log("succeeded");
            }

            @Override
            public void close() {
                log("close " + name);
            }
        };
    };

    @Test
    void theWorkRunsBesideTheCallerAndItsLinesArriveOnJoin() throws Exception {
        CountDownLatch callerWorked = new CountDownLatch(1);
        Beside<String> b = Beside.start("beside-test", (log, p) -> {
            log.accept("first");
            try {
                // waits for the caller: a work run in sequence, before start returned, would time out here
                assertThat(callerWorked.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            try (ProgressReporter.Task t = p.start("compress x", 10)) {
                t.advance(4);
                t.advance(6);
                t.succeeded();
            }
            log.accept("last");
            return Thread.currentThread().getName();
        }, this::log, progress);
        log("caller");
        callerWorked.countDown();
        assertThat(b.join()).isEqualTo("beside-test");
        assertThat(said).containsExactly("caller", "first", "start compress x of 10", "advance 10", "succeeded",
                "close compress x", "last");
        assertThat(threads).containsOnly(Thread.currentThread());
    }

    @Test
    void aFailureIsRethrownAsItselfAfterWhatItLogged() {
        RpmException boom = new RpmException("disk full");
        Beside<String> b = Beside.start("beside-test", (log, p) -> {
            log.accept("packaging");
            try (ProgressReporter.Task t = p.start("compress y", 8)) {
                t.advance(3);
                throw boom;
            }
        }, this::log, progress);
        assertThatThrownBy(b::join).isSameAs(boom);
        assertThat(said).containsExactly("packaging", "start compress y of 8", "advance 3", "close compress y");
    }

    @Test
    void stopEndsTheWorkAtItsNextProgressReportAndWaitsForIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        long[] reports = new long[1];
        Beside<String> b = Beside.start("beside-test", (log, p) -> {
            try (ProgressReporter.Task t = p.start("compress z", Long.MAX_VALUE)) {
                running.countDown();
                while (true) {   // ends only when advance refuses
                    t.advance(1);
                    reports[0]++;
                }
            }
        }, this::log, progress);
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        b.stop();
        long after = reports[0];
        Thread.sleep(100);
        assertThat(reports[0]).isEqualTo(after);   // it had ended when stop returned
        assertThat(said).hasSize(3).startsWith("start compress z of " + Long.MAX_VALUE).endsWith("close compress z")
                .noneMatch(l -> l.equals("succeeded"));
    }

    /**
     * join and stop return once the work's thread has ended, not only once its value is set: a release that fails
     * leaves no packaging thread behind (MultiArchReleaseTest saw one alive when the value was all it waited for).
     */
    @Test
    void joinAndStopReturnOnlyOnceTheThreadHasEnded() {
        for (int i = 0; i < 300; i++) {
            String name = "beside-end-" + i;
            Beside<String> b = Beside.start(name, (log, p) -> "done", this::log, progress);
            if (i % 2 == 0) {
                assertThat(b.join()).isEqualTo("done");
            } else {
                b.stop();
            }
            assertThat(Thread.getAllStackTraces().keySet()).as("after %s", i % 2 == 0 ? "join" : "stop")
                    .noneMatch(t -> t.getName().equals(name));
        }
    }
}
