package io.avalanche.rpm.store;

import io.avalanche.rpm.IoErrors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A byte range of a file, as a stream (a multipart part's request body) or read whole. */
final class FileRange {
    private FileRange() {
    }

    /** A stream of {@code length} bytes from {@code offset}; ends early only if the file shrank. */
    static InputStream open(Path file, long offset, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return new InputStream() {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int c = in.read();
                    if (c >= 0) {
                        left--;
                    }
                    return c;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = in.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    /** The {@code length} bytes at {@code offset}. */
    static byte[] read(Path file, long offset, int length) throws IOException {
        byte[] data = new byte[length];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new StoreException(file + ": shrank while uploading");
                }
            }
        }
        return data;
    }
}
