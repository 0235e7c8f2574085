package io.avalanche.rpm.write;

import com.github.luben.zstd.ZstdOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/** Opens the compressing stream for a payload compression setting. */
final class PayloadCompressor {
    private PayloadCompressor() {
    }

    /** Opens the compressor; {@code payloadBytes} (about the uncompressed size) sizes zstd's jobs. */
    static OutputStream open(Compression c, OutputStream out, long payloadBytes) throws IOException {
        return open(c, out, payloadBytes, -1);
    }

    /**
     * As {@link #open(Compression, OutputStream, long)}; with {@code exactBytes} (the payload's size, -1 when
     * unknown) zstd is told the size up front ({@link ZstdPayloadStream}) and must then get exactly that many.
     */
    static OutputStream open(Compression c, OutputStream out, long payloadBytes, long exactBytes) throws IOException {
        return switch (c.algorithm()) {
            case ZSTD -> {
                if (exactBytes >= 0) {
                    yield new ZstdPayloadStream(out, c, exactBytes, c.zstdJobSize(payloadBytes));
                }
                ZstdOutputStream z = new ZstdOutputStream(out, c.level());
                if (c.workers() > 1) {
                    z.setWorkers(c.workers());
                    z.setJobSize(c.zstdJobSize(payloadBytes));
                }
                z.setChecksum(true);
                yield z;
            }
            case XZ -> new XZOutputStream(out, new LZMA2Options(c.level()));
            case GZIP -> new GZIPOutputStream(out, 1 << 16) {
                {
                    def.setLevel(c.level());
                }
            };
            case NONE -> new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        };
    }
}
