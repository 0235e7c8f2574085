package io.avalanche.rpm.sign;

import io.avalanche.rpm.RpmException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wait for a key still being opened that is interrupted (the JVM stopping) is said in one line, as rpm-core says it. */
class PendingKeyInterruptTest {
    @Test
    void anInterruptedWaitIsAnRpmExceptionAndKeepsTheInterrupt() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (PendingKey p = PendingKey.opening(() -> {
            never.await(60, TimeUnit.SECONDS);
            throw new IllegalStateException("not reached");
        })) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(p::get).isExactlyInstanceOf(RpmException.class)
                    .hasMessage("interrupted while opening the signing key");
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            never.countDown();
        }
    }
}
