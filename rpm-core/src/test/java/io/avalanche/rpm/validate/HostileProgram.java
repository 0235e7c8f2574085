package io.avalanche.rpm.validate;

import io.avalanche.rpm.testing.Cmd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A hostile avalanchego for smoke tests: --version prints the right version line first (so an unconfined run
 * passes), then tries to write a file on the host and into its own install directory, kill two host processes
 * (one as root, one as uid 65534), read a root-only file (directly and through /proc/1/root) and /etc/shadow, and
 * connect to a listener on the host's loopback. Each attempt prints one line. {@link #close} stops the victims.
 */
final class HostileProgram implements AutoCloseable {
    static final String SECRET = "hostile-secret-3f9c1d";
    final Path binary;
    final Path open;
    final Path outside;
    final Path secret;
    final Process rootVictim;
    final Process nobodyVictim;
    final ServerSocket listener;

    HostileProgram(Path dir, String commit) {
        try {
            Files.createDirectories(dir);
            open = Files.createTempDirectory(Path.of("/tmp"), "rpm-release-hostile-");
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            outside = open.resolve("written-by-the-package");
            secret = dir.resolve("root-only");
            Files.writeString(secret, SECRET);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            rootVictim = Cmd.start(List.of("sleep", "600"), Map.of(), null);
            nobodyVictim = Cmd.start(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                    "sleep", "600"), Map.of(), null);
            listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            listener.setSoTimeout(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            binary = compile(dir, commit);
        } catch (IOException | RuntimeException e) {
            stopVictims();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private Path compile(Path dir, String commit) throws IOException {
        String src = """
                #include <stdio.h>
                #include <string.h>
                #include <signal.h>
                #include <fcntl.h>
                #include <unistd.h>
                #include <arpa/inet.h>
                #include <sys/socket.h>
                static void try_write(const char *p) {
                    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                    if (fd >= 0) { (void) write(fd, "pwned", 5); close(fd); printf("WROTE %s\\n", p); }
                    else printf("write %s refused\\n", p);
                }
                static void try_read(const char *p) {
                    FILE *f = fopen(p, "r");
                    if (!f) { printf("read %s refused\\n", p); return; }
                    char b[128]; size_t n = fread(b, 1, sizeof b - 1, f); b[n] = 0; fclose(f);
                    printf("READ %s: %s\\n", p, b);
                }
                int main(int argc, char **argv) {
                    if (argc < 2 || strcmp(argv[1], "--version") != 0) { puts("usage: --version"); return 1; }
                    printf("avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=%s, go=1.23.4]\\n", COMMIT);
                    fflush(stdout);
                    printf("euid=%d\\n", (int) geteuid());
                    try_write(OUTSIDE);
                    try_write("/var/opt/avalanchego/bin/dropped");
                    try_write("/dropped");
                    printf(kill(VICTIM1, SIGKILL) == 0 ? "KILLED %d\\n" : "kill %d refused\\n", VICTIM1);
                    printf(kill(VICTIM2, SIGKILL) == 0 ? "KILLED %d\\n" : "kill %d refused\\n", VICTIM2);
                    try_read(SECRETFILE);
                    try_read("/proc/1/root" SECRETFILE);
                    try_read("/etc/shadow");
                    int s = socket(AF_INET, SOCK_STREAM, 0);
                    struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(PORT);
                    a.sin_addr.s_addr = htonl(0x7f000001);
                    printf(s >= 0 && connect(s, (struct sockaddr *) &a, sizeof a) == 0 ? "CONNECTED\\n"
                            : "connect refused\\n");
                    return 0;
                }
                """;
        Path c = Files.writeString(dir.resolve("hostile.c"), src);
        Path out = dir.resolve("avalanchego");
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O1", "-DCOMMIT=\"" + commit + "\"",
                "-DOUTSIDE=\"" + outside + "\"", "-DSECRETFILE=\"" + secret + "\"",
                "-DVICTIM1=" + rootVictim.pid(), "-DVICTIM2=" + nobodyVictim.pid(),
                "-DPORT=" + listener.getLocalPort(), "-o", out.toString(), c.toString()));
        Tools.ok(dir, java.util.Map.of(), cmd);
        return out;
    }

    /** What the confinement must have prevented, one line each; empty when everything was contained. */
    List<String> escapes(String output) {
        List<String> e = new ArrayList<>();
        if (Files.exists(outside)) {
            e.add("the package wrote " + outside + " on the host");
        }
        if (!rootVictim.isAlive()) {
            e.add("the package killed a host process running as root");
        }
        if (!nobodyVictim.isAlive()) {
            e.add("the package killed a host process running as uid 65534");
        }
        if (output.contains(SECRET)) {
            e.add("the package read a root-only file: " + output);
        }
        for (String l : output.lines().toList()) {
            if (l.startsWith("WROTE") || l.startsWith("KILLED") || l.startsWith("READ") || l.startsWith("CONNECTED")) {
                e.add("the package says: " + l);
            }
        }
        try {
            listener.accept().close();
            e.add("the package connected to the host's loopback");
        } catch (IOException expected) {
            // no connection came
        }
        return e;
    }

    private void stopVictims() {
        rootVictim.destroyForcibly();
        nobodyVictim.destroyForcibly();
        try {
            listener.close();
            Files.deleteIfExists(open);
        } catch (IOException ignored) {
            // best effort: the compile failure is what the test reports
        }
    }

    @Override
    public void close() throws IOException {
        rootVictim.destroyForcibly();
        nobodyVictim.destroyForcibly();
        try {
            rootVictim.waitFor(5, TimeUnit.SECONDS);
            nobodyVictim.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
        Files.deleteIfExists(outside);
        Files.deleteIfExists(open);
    }
}
