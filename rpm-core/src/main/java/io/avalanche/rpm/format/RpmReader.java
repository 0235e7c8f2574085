package io.avalanche.rpm.format;

import io.avalanche.rpm.IoErrors;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Parses the lead and both headers of any v4 RPM without reading the payload. */
public final class RpmReader {
    /** rpm refuses signature headers above this size (hdrblobRead: 64 KiB of data for region 62). */
    private static final int MAX_SIGNATURE = 64 * 1024 * 1024;

    private RpmReader() {
    }

    /** Reads the package at this path. */
    public static RpmPackage read(Path file) {
        try (SeekableByteChannel ch = java.nio.file.Files.newByteChannel(file, StandardOpenOption.READ)) {
            return read(ch, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    /** Reads from a channel positioned anywhere; {@code name} is used in messages. */
    public static RpmPackage read(SeekableByteChannel ch, String name) throws IOException {
        long size = ch.size();
        ch.position(0);
        byte[] lead = readFully(ch, Lead.SIZE, size, name, "lead");
        Lead.check(lead, name);
        byte[] sigPre = readFully(ch, 16, size, name, "signature header");
        checkIntro(sigPre, name, "signature header");
        int sigLen = HeaderCodec.totalLength(sigPre, name + " signature header");
        if (sigLen > MAX_SIGNATURE) {
            throw new RpmFormatException(name + ": signature header of " + sigLen + " bytes is absurd");
        }
        byte[] sig = concat(sigPre, readFully(ch, sigLen - 16, size, name, "signature header"));
        Header sigHeader = HeaderCodec.decode(sig, name + " signature header");
        long mainOffset = Lead.SIZE + sigLen + HeaderCodec.padding8(sigLen);
        if (mainOffset + 16 > size) {
            throw new RpmFormatException(name + ": truncated before the main header");
        }
        ch.position(mainOffset);
        byte[] mainPre = readFully(ch, 16, size, name, "main header");
        checkIntro(mainPre, name, "main header");
        int mainLen = HeaderCodec.totalLength(mainPre, name + " main header");
        byte[] main = concat(mainPre, readFully(ch, mainLen - 16, size, name, "main header"));
        Header header = HeaderCodec.decode(main, name + " main header");
        long payloadOffset = mainOffset + mainLen;
        return new RpmPackage(name, lead, sigHeader, sigLen, mainOffset, header, main, payloadOffset, size);
    }

    /** rpm compares all 8 bytes of a header's magic, the 4 reserved bytes included: they must be zero. */
    private static void checkIntro(byte[] intro, String name, String what) {
        for (int i = 4; i < 8; i++) {
            if (intro[i] != 0) {
                throw new RpmFormatException(name + ": " + what + " has non-zero reserved byte " + (i - 4)
                        + " (0x" + String.format("%02x", intro[i] & 0xff) + ") in its intro; rpm refuses it:"
                        + " the package is damaged, rebuild or download it again");
            }
        }
    }

    private static byte[] readFully(SeekableByteChannel ch, int n, long size, String name, String what)
            throws IOException {
        if (ch.position() + n > size) {
            throw new RpmFormatException(name + ": truncated in the " + what + " (needs " + n + " more bytes at offset "
                    + ch.position() + ", file has " + size + ")");
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new RpmFormatException(name + ": unexpected end of file in the " + what);
            }
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
