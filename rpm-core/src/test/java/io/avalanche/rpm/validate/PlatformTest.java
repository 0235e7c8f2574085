package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Emulation is found on this machine (never skipped: the tests need qemu-user and its binfmt_misc handler,
 * scripts/install-deps.sh sets them up), and every missing piece is named when it is not.
 */
class PlatformTest {
    @TempDir
    Path tmp;

    static Arch foreign() {
        return Arch.host() == Arch.X86_64 ? Arch.AARCH64 : Arch.X86_64;
    }

    @Test
    void thisMachineEmulatesTheOtherArchForContainersAndLocalRuns() {
        Platform c = Platform.resolve(foreign(), Platform.Runner.CONTAINER);
        assertThat(c.emulated()).isTrue();
        assertThat(c.arch()).isEqualTo(foreign());
        assertThat(c.label()).isEqualTo(foreign().rpm() + ", emulated");
        assertThat(c.how()).contains("binfmt_misc qemu-" + foreign().rpm());
        Platform l = Platform.resolve(foreign(), Platform.Runner.LOCAL);
        assertThat(l.how()).contains("/usr/" + foreign().rpm() + "-linux-gnu");
    }

    @Test
    void hostArchIsNative() {
        Platform p = Platform.resolve(Arch.host(), Platform.Runner.CONTAINER);
        assertThat(p.emulated()).isFalse();
        assertThat(p.label()).isEqualTo(Arch.host().rpm() + ", native");
        assertThat(Platform.host()).isEqualTo(p);
    }

    /** A binfmt_misc directory as the kernel shows it, with one qemu-aarch64 entry. */
    private Path binfmt(String state, String flags) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("binfmt"));
        Files.writeString(d.resolve("status"), "enabled\n");
        if (state != null) {
            Files.writeString(d.resolve("qemu-aarch64"), state
                    + "\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: " + flags
                    + "\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n");
        }
        return d;
    }

    private Platform resolve(Path binfmt, Platform.Runner runner, Path usr) {
        return Platform.resolve(Arch.AARCH64, runner, Arch.X86_64, binfmt, usr);
    }

    @Test
    void eachMissingPieceIsNamedWithTheFix() throws IOException {
        Path usr = Files.createDirectories(tmp.resolve("usr/aarch64-linux-gnu/lib")).getParent().getParent();
        assertThatThrownBy(() -> resolve(tmp.resolve("unmounted"), Platform.Runner.CONTAINER, usr))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("validating aarch64 packages on this x86_64 machine needs qemu-user emulation")
                .hasMessageContaining("binfmt_misc is not mounted")
                .hasMessageContaining("mount -t binfmt_misc")
                .hasMessageContaining("update-binfmts --enable qemu-aarch64");
        Path none = binfmt(null, "");
        assertThatThrownBy(() -> resolve(none, Platform.Runner.CONTAINER, usr))
                .hasMessageContaining("no qemu-aarch64 binfmt_misc handler is registered")
                .hasMessageContaining("qemu-user-static");
        Path disabled = binfmt("disabled", "PF");
        assertThatThrownBy(() -> resolve(disabled, Platform.Runner.LOCAL, usr))
                .hasMessageContaining("handler is disabled");
        Path noFix = binfmt("enabled", "P");
        assertThatThrownBy(() -> resolve(noFix, Platform.Runner.CONTAINER, usr))
                .hasMessageContaining("fix-binary flag F");
        Path ok = binfmt("enabled", "PF");
        assertThat(resolve(ok, Platform.Runner.CONTAINER, usr).emulated()).isTrue();
        assertThat(resolve(ok, Platform.Runner.LOCAL, usr).how()).contains(usr.resolve("aarch64-linux-gnu").toString());
        assertThatThrownBy(() -> resolve(ok, Platform.Runner.LOCAL, tmp.resolve("empty-usr")))
                .hasMessageContaining("libc6-arm64-cross").hasMessageContaining("container");
    }
}
