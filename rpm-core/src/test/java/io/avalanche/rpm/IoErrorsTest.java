package io.avalanche.rpm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** An I/O error's words: the JDK's bare path gets what is wrong with it; a message of its own is kept. */
class IoErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void aFileSystemErrorWithoutAReasonSaysWhatIsWrong() {
        Path missing = tmp.resolve("no-such-dir/file.tmp");
        NoSuchFileException real = catchThrowableOfType(() -> Files.writeString(missing, "x"),
                NoSuchFileException.class);
        assertThat(real.getMessage()).isEqualTo(missing.toString());   // what the JDK says alone
        assertThat(IoErrors.why(real)).isEqualTo(missing + ": no such file or directory");
        assertThat(IoErrors.why(new AccessDeniedException("/x"))).isEqualTo("/x: permission denied");
        assertThat(IoErrors.why(new FileSystemException("/x", null, "Read-only file system")))
                .isEqualTo("/x: Read-only file system");
        assertThat(IoErrors.why(new IOException("disk full"))).isEqualTo("disk full");
        assertThat(IoErrors.why(new IOException((String) null))).isEqualTo("IOException");
        assertThat(IoErrors.why(new java.nio.channels.ClosedByInterruptException())).isEqualTo("interrupted");
    }
}
