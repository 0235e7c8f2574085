package io.avalanche.rpm.format;

import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.GZIPInputStream;

/** Streams the files of an RPM payload (decompressed, cpio newc) to a visitor. */
public final class PayloadFiles {
    private PayloadFiles() {
    }

    /** Receives each regular file; {@code content} is valid only during the call. */
    @FunctionalInterface
    public interface Visitor {
        void file(String path, int mode, long size, InputStream content) throws IOException;
    }

    /** Reads the payload of {@code pkg} from {@code ch} and visits every regular file. */
    public static void forEach(RpmPackage pkg, SeekableByteChannel ch, Visitor visitor) throws IOException {
        ch.position(pkg.payloadOffset());
        InputStream raw = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
        try (InputStream in = decompress(pkg.payloadCompressor(), raw, pkg.name());
             CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry e;
            while ((e = nextEntry(cpio, pkg.name())) != null) {
                if (e.isRegularFile()) {
                    visitor.file(normalize(e.getName()), (int) (e.getMode() & 07777), e.getSize(), cpio);
                }
            }
        }
    }

    private static CpioArchiveEntry nextEntry(CpioArchiveInputStream cpio, String name) throws IOException {
        try {
            return cpio.getNextCPIOEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw new RpmFormatException(name + ": payload is not a valid cpio archive: " + e.getMessage(), e);
        }
    }

    static InputStream decompress(String compressor, InputStream raw, String name) throws IOException {
        return switch (compressor) {
            case "zstd" -> new ZstdInputStream(raw);
            case "xz" -> new XZInputStream(raw);
            case "lzma" -> new LZMAInputStream(raw);
            case "gzip" -> new GZIPInputStream(raw, 1 << 16);
            case "bzip2" -> new BZip2CompressorInputStream(raw);
            case "none", "identity" -> raw;
            default -> throw new RpmFormatException(name + ": payload compressor '" + compressor
                    + "' (tag 1125) is not supported; use zstd, xz, gzip or none");
        };
    }

    /** "./usr/bin/x" → "/usr/bin/x". */
    static String normalize(String cpioName) {
        String n = cpioName.startsWith("./") ? cpioName.substring(1) : cpioName;
        return n.startsWith("/") ? n : "/" + n;
    }
}
