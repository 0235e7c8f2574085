package io.avalanche.rpm;

import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Why a path given as a file is not one: each kind of path gets its own words, a readable file none. */
class PathNamesTest {
    @TempDir
    Path tmp;

    @Test
    void eachKindOfPathThatIsNotAFileIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("a file"), "x");
        Path fifo = tmp.resolve("fifo");
        Cmd.run("mkfifo", fifo.toString()).ok();
        Path link = Files.createSymbolicLink(tmp.resolve("link"), file);
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("gone"));

        assertThat(PathNames.notAFile(file)).isNull();
        assertThat(PathNames.notAFile(link)).as("a link to a file").isNull();
        assertThat(PathNames.notAFile(tmp.resolve("missing"))).isEqualTo("no such file");
        assertThat(PathNames.notAFile(dangling)).isEqualTo("no such file");
        assertThat(PathNames.notAFile(tmp)).isEqualTo("is a directory");
        assertThat(PathNames.notAFile(fifo)).isEqualTo("is not a regular file (a FIFO, device or socket)");
        assertThat(PathNames.notAFile(Path.of("/dev/null"))).isEqualTo("is not a regular file (a FIFO, device or socket)");
    }
}
