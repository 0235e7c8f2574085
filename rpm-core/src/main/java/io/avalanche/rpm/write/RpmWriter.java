package io.avalanche.rpm.write;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.Profile;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.sign.HeaderSigner;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.Lead;
import io.avalanche.rpm.format.SigTag;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Writes a binary RPM in one streaming pass: the payload is compressed straight into the output file
 * after space reserved for the headers (their size does not depend on digest values), then the headers
 * are written in front. Output goes to a temp file moved into place only when complete.
 */
public final class RpmWriter {
    /** Bytes reserved in the signature header (tag 1008) so a signer can sign in place, as rpmbuild does. */
    public static final int RESERVED_SPACE = 4096;
    private static final String PLACEHOLDER = "0".repeat(64);
    private static final int BUFFER = 1 << 20;

    private RpmWriter() {
    }

    /** Completes the signature header of a package being written, e.g. with a header signature in its reserved space. */
    @FunctionalInterface
    public interface SignatureFiller {
        /**
         * Returns the signature header to write in place of {@code unsigned}: exactly {@code length} bytes, the
         * length of the encoded {@code unsigned}. {@code mainHeader} is the final main header, {@code sha256} its
         * SHA-256 in hex.
         */
        byte[] fill(Header unsigned, byte[] mainHeader, String sha256, int length);

        /** Signs the main header with {@code signer} into the reserved space while the package is written. */
        static SignatureFiller signingWith(HeaderSigner signer) {
            return (unsigned, mainHeader, sha256, length) -> RpmSigner.signatureHeader(signer, unsigned, mainHeader,
                    sha256, length);
        }
    }

    /** Writes the package into outDir under fileName; returns the final path. */
    public static Path write(PackageSpec spec, Path outDir, String fileName) {
        return write(spec, outDir, fileName, n -> { });
    }

    /** As {@link #write(PackageSpec, Path, String)}, reporting input bytes consumed to {@code progress}. */
    public static Path write(PackageSpec spec, Path outDir, String fileName, LongConsumer progress) {
        return write(spec, outDir, fileName, progress, null);
    }

    /**
     * As {@link #write(PackageSpec, Path, String, LongConsumer)}, with the signature header completed by
     * {@code filler} (e.g. signed; null: unsigned) before it is written: the file is written once, never re-read.
     * When the filler throws, the target is untouched and the temporary file is removed.
     */
    public static Path write(PackageSpec spec, Path outDir, String fileName, LongConsumer progress,
                             SignatureFiller filler) {
        if (fileName.contains("/") || fileName.startsWith(".")) {
            throw new SpecException("invalid output file name '" + fileName + "'");
        }
        spec.compression().checkMemory(Runtime.getRuntime().maxMemory());
        List<PayloadNode> nodes = PayloadNode.of(spec);
        Path target = outDir.resolve(fileName);
        try {
            Files.createDirectories(outDir);
            return io.avalanche.rpm.NewFiles.replace(target, tmp -> {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    java.util.concurrent.FutureTask<Void> payloadSync = writeTo(spec, nodes, ch, progress, filler);
                    Profile.mark("payload and headers written");
                    awaitSync(payloadSync);
                    ch.force(false);   // the headers: the payload is on disk already
                    Profile.mark("fsync");
                }
            });
        } catch (java.nio.channels.ClosedByInterruptException | java.io.InterruptedIOException e) {
            throw new RpmException("interrupted while writing " + target.getFileName() + ": nothing was kept", e);
        } catch (IOException e) {
            throw new RpmException(target + ": cannot write package: " + IoErrors.why(e), e);
        }
    }

    /**
     * Writes the whole package to a channel positioned at 0 (the channel is not closed); returns the flush of the
     * payload to disk, started on its own thread once the payload is written so it overlaps digesting and signing.
     */
    static java.util.concurrent.FutureTask<Void> writeTo(PackageSpec spec, List<PayloadNode> nodes, FileChannel ch,
                                                         LongConsumer progress, SignatureFiller filler)
            throws IOException {
        String[] placeholders = new String[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            placeholders[i] = nodes.get(i).digested() ? PLACEHOLDER : "";
        }
        byte[] mainTemplate = HeaderCodec.encode(MainHeader.build(spec, nodes, placeholders, PLACEHOLDER, PLACEHOLDER),
                HeaderCodec.REGION_TAG_IMMUTABLE);
        byte[] sigTemplate = HeaderCodec.encode(signatureHeader(0, 0, PLACEHOLDER), HeaderCodec.REGION_TAG_SIGNATURES);
        long headerArea = Lead.SIZE + sigTemplate.length + HeaderCodec.padding8(sigTemplate.length)
                + mainTemplate.length;

        ch.position(headerArea);
        Profile.mark("package set up");
        java.util.concurrent.FutureTask<Void> payloadSync;
        long cpioSize;
        long payloadSize;
        String[] fileDigests;
        String cpioDigest;
        String compressedDigest;
        try (PayloadHasher hasher = new PayloadHasher(nodes.size(), BUFFER)) {
            CountingStream compressedOut = new CountingStream(Channels.newOutputStream(ch), hasher);
            try (OutputStream comp = PayloadCompressor.open(spec.compression(),
                    new BufferedOutputStream(compressedOut, 1 << 16), payloadEstimate(nodes), archiveSize(nodes))) {
                CpioWriter cpio = new CpioWriter(comp, hasher::archiveBytes);
                for (int i = 0; i < nodes.size(); i++) {
                    PayloadNode n = nodes.get(i);
                    if (!n.inPayload()) {
                        continue;
                    }
                    cpio.header("." + n.path(), n.mode(), i + 1, n.dir() ? 2 : 1, spec.buildTime(), n.size());
                    if (n.kind() == PayloadNode.Kind.FILE) {
                        copyFile(n, i, cpio, hasher, progress);
                        cpio.endData();
                    } else if (n.kind() == PayloadNode.Kind.SYMLINK) {
                        cpio.literal(n.linkBytes());
                        cpio.endData();
                    }
                }
                cpio.finish();
                cpioSize = cpio.written();
            }
            payloadSize = compressedOut.count;
            Profile.mark("payload compressed");
            payloadSync = new java.util.concurrent.FutureTask<>(() -> {
                ch.force(false);
                return null;
            });
            Thread sync = new Thread(payloadSync, "rpm-payload-sync");
            sync.setDaemon(true);
            sync.start();
            fileDigests = hasher.fileDigests();
            cpioDigest = hasher.archiveDigest();
            compressedDigest = hasher.compressedDigest();
        }
        Profile.mark("digests complete");
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).digested()) {
                fileDigests[i] = "";
            }
        }
        long end = headerArea + payloadSize;
        if (cpioSize > 0xffffffffL || end > 0xffffffffL) {
            throw new SpecException(spec.name() + ": package over 4 GiB is not supported (payload " + cpioSize
                    + " bytes)");
        }
        HexFormat hex = HexFormat.of();
        byte[] main = HeaderCodec.encode(MainHeader.build(spec, nodes, fileDigests,
                compressedDigest, cpioDigest),
                HeaderCodec.REGION_TAG_IMMUTABLE);
        String mainSha = hex.formatHex(sha256().digest(main));
        Header unsigned = signatureHeader(main.length + payloadSize, cpioSize, mainSha);
        byte[] sig = HeaderCodec.encode(unsigned, HeaderCodec.REGION_TAG_SIGNATURES);
        if (main.length != mainTemplate.length || sig.length != sigTemplate.length) {
            throw new IllegalStateException("header size changed between template and final header");
        }
        if (filler != null) {
            sig = filler.fill(unsigned, main, mainSha, sig.length);
            if (sig.length != sigTemplate.length) {
                throw new IllegalStateException("the completed signature header changed size");
            }
            Profile.mark("signed");
        }
        ByteBuffer head = ByteBuffer.allocate((int) headerArea);
        head.put(Lead.encode(spec.name() + "-" + spec.version() + "-" + spec.release(), spec.arch().leadNumber()));
        head.put(sig).put(new byte[HeaderCodec.padding8(sig.length)]).put(main).flip();
        ch.position(0);
        while (head.hasRemaining()) {
            ch.write(head);
        }
        return payloadSync;
    }

    private static void awaitSync(java.util.concurrent.FutureTask<Void> sync) throws IOException {
        try {
            sync.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while flushing the payload to disk");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot flush the payload to disk: " + e.getCause(), e.getCause());
        }
    }

    /** The cpio archive's exact size for these nodes: what the loop above writes (ghosts have no entry). */
    private static long archiveSize(List<PayloadNode> nodes) {
        List<PayloadNode> in = nodes.stream().filter(PayloadNode::inPayload).toList();
        return CpioWriter.size(in.stream().map(n -> "." + n.path()).toList(),
                in.stream().mapToLong(PayloadNode::size).toArray());
    }

    /** The file bytes of the payload (the cpio size without headers); sizes compression jobs. */
    private static long payloadEstimate(List<PayloadNode> nodes) {
        long total = 0;
        for (PayloadNode n : nodes) {
            total += n.size();
        }
        return total;
    }

    /** Streams one file into the archive; its bytes are hashed on the hasher's thread. */
    private static void copyFile(PayloadNode n, int index, CpioWriter cpio, PayloadHasher hasher,
                                 LongConsumer progress) throws IOException {
        long left = n.size();
        try (FileChannel in = FileChannel.open(n.file().source(), StandardOpenOption.READ)) {
            while (left > 0) {
                byte[] buf = hasher.buffer();
                int r = in.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, left)));
                if (r < 0) {
                    throw new RpmException(n.file().source() + ": file shrank while packaging (expected "
                            + n.size() + " bytes)");
                }
                cpio.data(buf, 0, r);
                hasher.fileData(buf, r, index);
                left -= r;
                progress.accept(r);
            }
            if (in.read(ByteBuffer.allocate(1)) > 0) {
                throw new RpmException(n.file().source() + ": file grew while packaging (expected " + n.size()
                        + " bytes)");
            }
        }
        hasher.endFile(index);
    }

    static Header signatureHeader(long sizeOfHeaderAndPayload, long cpioSize, String headerSha256) {
        return Header.builder()
                .string(SigTag.SHA256HEADER, headerSha256)
                .int32(SigTag.SIZE, (int) sizeOfHeaderAndPayload)
                .int32(SigTag.PAYLOADSIZE, (int) cpioSize)
                .bin(SigTag.RESERVEDSPACE.id(), new byte[RESERVED_SPACE])
                .build();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Counts what passes through and hands a copy to the hasher (PAYLOADDIGEST). */
    private static final class CountingStream extends FilterOutputStream {
        private final PayloadHasher hasher;
        private long count;

        CountingStream(OutputStream out, PayloadHasher hasher) {
            super(out);
            this.hasher = hasher;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            hasher.compressedBytes(b, off, len);
            count += len;
        }

        /** Flushes but leaves the channel open: the headers are written after the payload. */
        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
