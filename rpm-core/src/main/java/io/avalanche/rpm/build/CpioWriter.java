package io.avalanche.rpm.build;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Streams a cpio "newc" archive (the RPM payload format) to an OutputStream. */
final class CpioWriter {
    private static final byte[] ZEROS = new byte[4];
    private final OutputStream out;
    private long written;

    CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes an entry header; for regular files the caller then writes exactly {@code size} bytes via data(). */
    void header(String name, int mode, int ino, int nlink, long mtime, long size) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append("070701");
        for (long v : new long[] {ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, n.length + 1, 0}) {
            String hex = Long.toHexString(v);
            h.append("00000000", 0, 8 - hex.length()).append(hex);
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII), 0, 110);
        write(n, 0, n.length);
        write(ZEROS, 0, 1);
        pad();
    }

    void data(byte[] b, int off, int len) throws IOException {
        write(b, off, len);
    }

    /** Pads after a file's data to the 4-byte boundary. */
    void endData() throws IOException {
        pad();
    }

    /** Writes the TRAILER!!! entry; the archive ends 4-byte aligned, without block padding. */
    void finish() throws IOException {
        header("TRAILER!!!", 0, 0, 1, 0, 0);
        out.flush();
    }

    long written() {
        return written;
    }

    private void pad() throws IOException {
        int p = (int) ((4 - (written & 3)) & 3);
        write(ZEROS, 0, p);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
    }
}
