package io.avalanche.rpm.jenkins;

import com.github.luben.zstd.util.Native;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Loads zstd-jni's native library on an agent from the workspace's {@code @tmp} directory instead of
 * {@code java.io.tmpdir} (often mounted noexec), and says why when it cannot (noexec workspace, a libc zstd-jni has
 * no build for, an arch without a bundled library). Runs inside agent callables.
 */
final class ZstdNative {
    private ZstdNative() {
    }

    /** Null when zstd works in this JVM; else one line saying why not. Loading twice is a no-op. */
    static String load(File tmpDir) {
        if (Native.isLoaded()) {
            return null;
        }
        try {
            Files.createDirectories(tmpDir.toPath());
            // extracts lib zstd-jni into tmpDir and System.loads it; the Zstd* classes then skip their own load
            Native.load(tmpDir);
            return null;
        } catch (IOException e) {
            return "cannot create " + tmpDir + ": " + e.getMessage();
        } catch (LinkageError e) {
            // UnsatisfiedLinkError (no library for this OS/arch/libc, noexec directory) or ExceptionInInitializerError
            // (the library could not be unpacked)
            String message = String.valueOf(e.getMessage()).replace('\n', ' ');
            return "zstd-jni's native library did not load from " + tmpDir + ": " + e.getClass().getSimpleName()
                    + ": " + message;
        }
    }
}
