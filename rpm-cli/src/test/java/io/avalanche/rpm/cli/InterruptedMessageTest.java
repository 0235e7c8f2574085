package io.avalanche.rpm.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An I/O call stopped by the JVM's exit has no message of its own: the error line says "interrupted" where it said
 * "null"; an I/O error's own "null" message that no interrupt caused is printed as it is.
 */
class InterruptedMessageTest {
    /** A command that fails as a file read stopped by an interrupt does, or by another error without a message. */
    @Command(name = "fail")
    static final class Failing extends CliCommand {
        private final java.io.IOException cause;

        Failing(java.io.IOException cause) {
            this.cause = cause;
        }

        @Override
        public Integer call() {
            throw new UncheckedIOException("/out/x.rpm: cannot read: " + cause.getMessage(), cause);
        }
    }

    @Test
    void anInterruptedReadSaysInterrupted() {
        CliRunner.Run r = CliRunner.runWith(new Failing(new ClosedByInterruptException()), "fail");
        assertThat(r.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(r.err()).isEqualTo("error: /out/x.rpm: cannot read: interrupted\n");

        CliRunner.Run other = CliRunner.runWith(new Failing(new java.io.IOException((String) null)), "fail");
        assertThat(other.err()).isEqualTo("error: /out/x.rpm: cannot read: null\n");
    }
}
