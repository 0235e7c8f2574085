package io.avalanche.rpm.write;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * zstd compression of a payload whose exact size is known before its first byte (zstd's pledged source size):
 * zstd then fits its window and match tables to the payload, and records the size in the frame header. At level
 * 19 a 70 KB payload no longer sets up (and zeroes) the ~80 MB of tables an unknown size gets: ~1 s became ~10 ms
 * (docs/performance.md). The output depends only on the bytes, level and job size, as before.
 */
final class ZstdPayloadStream extends OutputStream {
    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private final OutputStream out;
    private final ByteBuffer dst = ByteBuffer.allocate(1 << 17);
    private final long pledged;
    private long taken;
    private boolean closed;

    /** Compresses exactly {@code size} bytes at {@code c}'s level, with its workers and {@code jobSize} (0: none). */
    ZstdPayloadStream(OutputStream out, Compression c, long size, int jobSize) throws IOException {
        this.out = out;
        this.pledged = size;
        try {
            ctx.setLevel(c.level());
            ctx.setChecksum(true);
            if (c.workers() > 1) {
                ctx.setWorkers(c.workers());
                ctx.setJobSize(jobSize);
            }
            ctx.setPledgedSrcSize(size);
        } catch (ZstdException | IllegalStateException e) {
            ctx.close();
            throw new IOException("zstd cannot start (level " + c.level() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        taken += len;
        try {
            while (src.hasRemaining()) {
                ctx.compressByteBufferStream(dst, src, EndDirective.CONTINUE);
                drain();
            }
        } catch (ZstdException e) {
            throw new IOException("zstd: " + e.getMessage() + " (" + taken + " of " + pledged + " bytes)", e);
        }
    }

    /** Only the stream below is flushed: a zstd flush would end a block early (the frame ends at close). */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream o = out) {
            ByteBuffer none = ByteBuffer.allocate(0);
            boolean done;
            do {
                done = ctx.compressByteBufferStream(dst, none, EndDirective.END);
                drain();
            } while (!done);
        } catch (ZstdException e) {
            throw new IOException("zstd: " + e.getMessage() + " (" + taken + " of the " + pledged
                    + " payload bytes announced were written)", e);
        } finally {
            ctx.close();
        }
    }

    private void drain() throws IOException {
        if (dst.position() > 0) {
            out.write(dst.array(), 0, dst.position());
            dst.clear();
        }
    }
}
