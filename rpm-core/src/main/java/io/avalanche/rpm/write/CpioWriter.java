package io.avalanche.rpm.write;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Streams a cpio "newc" archive (the RPM payload format) to an OutputStream. Header, padding and trailer
 * bytes are also reported to a {@link Listener} (file data is not: its caller already holds it).
 */
final class CpioWriter {
    /** Receives the archive bytes the writer produces itself; it never modifies those arrays afterwards. */
    interface Listener {
        void archiveBytes(byte[] b, int off, int len);
    }

    private static final byte[] ZEROS = new byte[4];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream out;
    private final Listener listener;
    private long written;

    CpioWriter(OutputStream out) {
        this(out, (b, off, len) -> { });
    }

    CpioWriter(OutputStream out, Listener listener) {
        this.out = out;
        this.listener = listener;
    }

    /** Writes an entry header; for regular files the caller then writes exactly {@code size} bytes via data(). */
    void header(String name, int mode, int ino, int nlink, long mtime, long size) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int padded = 110 + n.length + 1;
        padded += (4 - ((written + padded) & 3)) & 3;
        byte[] h = new byte[padded];
        System.arraycopy(new byte[] {'0', '7', '0', '7', '0', '1'}, 0, h, 0, 6);
        long[] fields = {ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, n.length + 1, 0};
        for (int f = 0; f < fields.length; f++) {
            long v = fields[f];
            for (int d = 7; d >= 0; d--) {
                h[6 + f * 8 + d] = HEX[(int) (v & 0xf)];
                v >>>= 4;
            }
        }
        System.arraycopy(n, 0, h, 110, n.length);
        own(h, 0, padded);
    }

    /** Writes file data (not reported to the listener). */
    void data(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
    }

    /** Writes data the writer owns (a symbolic link's target), reported to the listener like headers are. */
    void literal(byte[] b) throws IOException {
        own(b, 0, b.length);
    }

    /** Pads after a file's data to the 4-byte boundary. */
    void endData() throws IOException {
        own(ZEROS, 0, (int) ((4 - (written & 3)) & 3));
    }

    /** Writes the TRAILER!!! entry; the archive ends 4-byte aligned, without block padding. */
    void finish() throws IOException {
        header("TRAILER!!!", 0, 0, 1, 0, 0);
        out.flush();
    }

    long written() {
        return written;
    }

    /**
     * The exact size of the archive this writer produces for these entries, in order: each name as passed to
     * {@link #header} and its data size, or -1 for an entry without data and without {@link #endData} (a
     * directory); then {@link #finish}. Lets a compressor be told the payload's size before the first byte.
     */
    static long size(List<String> names, long[] dataSizes) {
        long at = 0;
        for (int i = 0; i <= names.size(); i++) {
            String name = i < names.size() ? names.get(i) : "TRAILER!!!";
            long header = 110 + name.getBytes(StandardCharsets.UTF_8).length + 1;
            at += header + ((4 - ((at + header) & 3)) & 3);
            if (i < names.size() && dataSizes[i] >= 0) {
                at += dataSizes[i];
                at += (4 - (at & 3)) & 3;
            }
        }
        return at;
    }

    private void own(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write(b, off, len);
        listener.archiveBytes(b, off, len);
        written += len;
    }
}
