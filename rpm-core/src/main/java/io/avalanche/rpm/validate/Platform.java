package io.avalanche.rpm.validate;

import io.avalanche.rpm.format.Arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How this machine runs a release's programs: natively when the arch matches the host, otherwise under
 * qemu-user through the kernel's binfmt_misc handler; {@link #resolve} refuses, naming the missing piece,
 * when emulation is not set up.
 */
public record Platform(Arch arch, boolean emulated, String how) {
    /** Where the kernel lists binfmt_misc handlers. */
    public static final Path BINFMT_MISC = Path.of("/proc/sys/fs/binfmt_misc");
    private static final String SETUP = "as root: apt-get install qemu-user-static binfmt-support, "
            + "mount -t binfmt_misc binfmt_misc " + BINFMT_MISC + " (if not mounted), update-binfmts --enable qemu-";

    /** What will run the programs: a container (needs the handler's fix-binary flag) or this host. */
    public enum Runner { CONTAINER, LOCAL }

    /** For messages and report names: "aarch64, emulated" or "x86_64, native". */
    public String label() {
        return arch.rpm() + ", " + (emulated ? "emulated" : "native");
    }

    /** The qemu-user handler name for the arch, as Debian's qemu-user-static registers it. */
    public String qemuHandler() {
        return "qemu-" + arch.rpm();
    }

    /** The GNU triplet of the arch, e.g. aarch64-linux-gnu (the cross glibc lives in /usr/TRIPLET). */
    public String triplet() {
        return arch.rpm() + "-linux-gnu";
    }

    /** The running machine's platform. */
    public static Platform host() {
        Arch h = Arch.host();
        return new Platform(h, false, "native " + h.rpm());
    }

    /** Resolves against this machine's arch and {@link #BINFMT_MISC}. */
    public static Platform resolve(Arch target, Runner runner) {
        return resolve(target, runner, Arch.host(), BINFMT_MISC, Path.of("/usr"));
    }

    /**
     * Native when target == host; otherwise emulated when {@code binfmt/qemu-<arch>} is registered and enabled
     * and its interpreter exists (with flag F for containers; with the cross glibc under {@code usr/<triplet>}
     * for local runs). Throws ValidationException naming what is missing and how to set it up.
     */
    static Platform resolve(Arch target, Runner runner, Arch host, Path binfmt, Path usr) {
        if (target == Arch.NOARCH || target == host) {
            return new Platform(target == Arch.NOARCH ? host : target, false, "native " + host.rpm());
        }
        Platform p = new Platform(target, true, "");
        String handler = p.qemuHandler();
        String why = "validating " + target.rpm() + " packages on this " + host.rpm()
                + " machine needs qemu-user emulation, but ";
        String fix = "; " + SETUP + target.rpm() + " (scripts/install-deps.sh does all of it)";
        if (!Files.exists(binfmt.resolve("status"))) {
            throw new ValidationException(why + "binfmt_misc is not mounted on " + binfmt + fix);
        }
        Path entry = binfmt.resolve(handler);
        List<String> lines;
        try {
            lines = Files.readAllLines(entry);
        } catch (IOException e) {
            throw new ValidationException(why + "no " + handler + " binfmt_misc handler is registered (" + entry
                    + " is missing)" + fix);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals("enabled")) {
            throw new ValidationException(why + "the " + handler + " binfmt_misc handler is disabled (" + entry
                    + ")" + fix);
        }
        String interpreter = field(lines, "interpreter ");
        String flags = field(lines, "flags: ");
        if (runner == Runner.CONTAINER && !flags.contains("F")) {
            throw new ValidationException(why + "the " + handler + " handler lacks the fix-binary flag F (flags: "
                    + flags + "), so containers cannot reach its interpreter " + interpreter
                    + "; use Debian's qemu-user-static, which registers it with F");
        }
        if (!flags.contains("F") && (interpreter.isEmpty() || !Files.exists(Path.of(interpreter)))) {
            throw new ValidationException(why + "the interpreter of the " + handler + " handler (" + interpreter
                    + ") does not exist; apt-get install qemu-user-static");
        }
        if (runner == Runner.LOCAL) {
            Path sysroot = usr.resolve(p.triplet());
            if (!Files.isDirectory(sysroot.resolve("lib"))) {
                throw new ValidationException(why + "the " + target.docker()
                        + " glibc that the programs load is not in " + sysroot + "; apt-get install libc6-"
                        + target.docker() + "-cross, or validate in a container of a " + target.docker()
                        + " image instead of --local");
            }
            return new Platform(target, true, "qemu-user (binfmt_misc " + handler + ", glibc from " + sysroot + ")");
        }
        return new Platform(target, true, "qemu-user (binfmt_misc " + handler + ")");
    }

    private static String field(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                .findFirst().orElse("");
    }
}
