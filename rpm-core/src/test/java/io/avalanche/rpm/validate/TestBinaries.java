package io.avalanche.rpm.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Compiles tiny C programs that answer --version like avalanchego does. */
public final class TestBinaries {
    /** Which compiler and which glibc features the program uses. */
    public enum Kind {
        /** Native x86_64, needs at most GLIBC_2.34. */
        X86_64,
        /** Native, calls arc4random (GLIBC_2.36). */
        NEW_GLIBC,
        /** Cross-compiled for aarch64. */
        AARCH64,
        /** Cross-compiled for aarch64, calls arc4random (GLIBC_2.36). */
        AARCH64_NEW_GLIBC;

        /** The kind for an arch, with or without the GLIBC_2.36 call. */
        public static Kind of(io.avalanche.rpm.format.Arch arch, boolean newGlibc) {
            return switch (arch) {
                case X86_64 -> newGlibc ? NEW_GLIBC : X86_64;
                case AARCH64 -> newGlibc ? AARCH64_NEW_GLIBC : AARCH64;
                case NOARCH -> throw new IllegalArgumentException("no binaries for noarch");
            };
        }
    }

    private static final String SOURCE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            int main(int argc, char **argv) {
            #ifdef NEW_GLIBC
                if (arc4random() == 42u) { puts("lucky"); }
            #endif
                if (argc > 1 && strcmp(argv[1], "--version") == 0) {
                    printf("avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=%s, go=1.23.4]\\n", COMMIT);
                    return 0;
                }
                puts("usage: --version");
                return 1;
            }
            """;

    private TestBinaries() {
    }

    /** Programs compiled so far in this JVM, by name, commit and kind (gcc's output for the same input is the same). */
    private static final Map<String, byte[]> COMPILED = new ConcurrentHashMap<>();

    /** Compiles a program printing this commit into dir/name (the bytes of an earlier identical compile if any). */
    public static Path compile(Path dir, String name, String commit, Kind kind) {
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(name);
            String key = name + "\0" + commit + "\0" + kind;
            byte[] done = COMPILED.get(key);
            if (done != null) {
                Files.write(out, done);
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                return out;
            }
            Path src = dir.resolve(name + ".c");
            Files.writeString(src, SOURCE);
            String cc = kind == Kind.AARCH64 || kind == Kind.AARCH64_NEW_GLIBC ? "aarch64-linux-gnu-gcc" : "gcc";
            if (kind == Kind.NEW_GLIBC || kind == Kind.AARCH64_NEW_GLIBC) {
                Tools.ok(dir, cc, "-O1", "-DNEW_GLIBC", "-DCOMMIT=\"" + commit + "\"", "-o", out.toString(),
                        src.toString());
            } else {
                Tools.ok(dir, cc, "-O1", "-DCOMMIT=\"" + commit + "\"", "-o", out.toString(), src.toString());
            }
            Files.delete(src);
            COMPILED.put(key, Files.readAllBytes(out));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
