package io.avalanche.rpm.write;

import io.avalanche.rpm.Profile;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.sign.HeaderSigner;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.Lead;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.format.Tag;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        List<Node> nodes = nodes(spec);
        Path target = outDir.resolve(fileName);
        Path tmp = null;
        try {
            Files.createDirectories(outDir);
            tmp = Files.createTempFile(outDir, "." + fileName + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                java.util.concurrent.FutureTask<Void> payloadSync = writeTo(spec, nodes, ch, progress, filler);
                Profile.mark("payload and headers written");
                awaitSync(payloadSync);
                ch.force(false);   // the headers: the payload is on disk already
                Profile.mark("fsync");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new RpmException(target + ": cannot write package: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp file is hidden and named after the target
                }
            }
        }
    }

    /**
     * Writes the whole package to a channel positioned at 0 (the channel is not closed); returns the flush of the
     * payload to disk, started on its own thread once the payload is written so it overlaps digesting and signing.
     */
    static java.util.concurrent.FutureTask<Void> writeTo(PackageSpec spec, List<Node> nodes, FileChannel ch,
                                                         LongConsumer progress, SignatureFiller filler)
            throws IOException {
        String[] placeholders = new String[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            placeholders[i] = nodes.get(i).dir ? "" : PLACEHOLDER;
        }
        byte[] mainTemplate = HeaderCodec.encode(mainHeader(spec, nodes, placeholders, PLACEHOLDER, PLACEHOLDER),
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
                    Node n = nodes.get(i);
                    cpio.header("." + n.path, n.mode(), i + 1, n.dir ? 2 : 1, spec.buildTime(), n.dir ? 0 : n.size);
                    if (!n.dir) {
                        copyFile(n, i, cpio, hasher, progress);
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
            if (nodes.get(i).dir) {
                fileDigests[i] = "";
            }
        }
        long end = headerArea + payloadSize;
        if (cpioSize > 0xffffffffL || end > 0xffffffffL) {
            throw new SpecException(spec.name() + ": package over 4 GiB is not supported (payload " + cpioSize
                    + " bytes)");
        }
        HexFormat hex = HexFormat.of();
        byte[] main = HeaderCodec.encode(mainHeader(spec, nodes, fileDigests,
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

    /** The file bytes of the payload (the cpio size without headers); sizes compression jobs. */
    private static long archiveSize(List<Node> nodes) {   // exactly what the cpio loop above writes for them
        return CpioWriter.size(nodes.stream().map(n -> "." + n.path).toList(),
                nodes.stream().mapToLong(n -> n.dir ? -1 : n.size).toArray());
    }

    private static long payloadEstimate(List<Node> nodes) {
        long total = 0;
        for (Node n : nodes) {
            total += n.size;
        }
        return total;
    }

    /** Streams one file into the archive; its bytes are hashed on the hasher's thread. */
    private static void copyFile(Node n, int index, CpioWriter cpio, PayloadHasher hasher, LongConsumer progress)
            throws IOException {
        long left = n.size;
        try (FileChannel in = FileChannel.open(n.file.source(), StandardOpenOption.READ)) {
            while (left > 0) {
                byte[] buf = hasher.buffer();
                int r = in.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, left)));
                if (r < 0) {
                    throw new RpmException(n.file.source() + ": file shrank while packaging (expected " + n.size
                            + " bytes)");
                }
                cpio.data(buf, 0, r);
                hasher.fileData(buf, r, index);
                left -= r;
                progress.accept(r);
            }
            if (in.read(ByteBuffer.allocate(1)) > 0) {
                throw new RpmException(n.file.source() + ": file grew while packaging (expected " + n.size + " bytes)");
            }
        }
        hasher.endFile(index);
    }

    /** The sorted list of directories and files the package owns. */
    static List<Node> nodes(PackageSpec spec) {
        TreeMap<String, Node> all = new TreeMap<>();
        for (String d : spec.directories()) {
            all.put(d, new Node(d, true, null, 0));
        }
        for (FileEntry f : spec.files()) {
            for (String d : InstallPath.ownedAncestors(f.path())) {
                all.putIfAbsent(d, new Node(d, true, null, 0));
            }
        }
        for (FileEntry f : spec.files()) {
            Path src = f.source();
            if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(src)) {
                throw new SpecException("package " + spec.name() + ": source " + src + " for " + f.path()
                        + " is not a regular file");
            }
            ElfArchCheck.require(src, spec.arch());
            if (all.containsKey(f.path())) {
                throw new SpecException("package " + spec.name() + ": " + f.path() + " is also a directory of the package");
            }
            try {
                long size = Files.size(src);
                if (size > 0xffffffffL) {
                    throw new SpecException(src + ": files over 4 GiB are not supported");
                }
                all.put(f.path(), new Node(f.path(), false, f, size));
            } catch (IOException e) {
                throw new UncheckedIOException(src + ": cannot read: " + e.getMessage(), e);
            }
        }
        return new ArrayList<>(all.values());
    }

    static Header signatureHeader(long sizeOfHeaderAndPayload, long cpioSize, String headerSha256) {
        return Header.builder()
                .string(SigTag.SHA256HEADER, headerSha256)
                .int32(SigTag.SIZE, (int) sizeOfHeaderAndPayload)
                .int32(SigTag.PAYLOADSIZE, (int) cpioSize)
                .bin(SigTag.RESERVEDSPACE.id(), new byte[RESERVED_SPACE])
                .build();
    }

    static Header mainHeader(PackageSpec s, List<Node> nodes, String[] digests, String payloadDigest,
                             String payloadAlt) {
        Header.Builder h = Header.builder();
        h.strings(Tag.HEADERI18NTABLE, "C");
        h.string(Tag.NAME, s.name()).string(Tag.VERSION, s.version()).string(Tag.RELEASE, s.release());
        if (s.epoch() != null) {
            h.int32(Tag.EPOCH, s.epoch());
        }
        h.strings(Tag.SUMMARY, s.summary()).strings(Tag.DESCRIPTION, s.description());
        h.int32(Tag.BUILDTIME, (int) s.buildTime()).string(Tag.BUILDHOST, s.buildHost());
        long total = 0;
        for (Node n : nodes) {
            total += n.size;
        }
        h.int32(Tag.SIZE, (int) total);
        if (!s.vendor().isEmpty()) {
            h.string(Tag.VENDOR, s.vendor());
        }
        h.string(Tag.LICENSE, s.license());
        if (!s.packager().isEmpty()) {
            h.string(Tag.PACKAGER, s.packager());
        }
        h.strings(Tag.GROUP, s.group());
        if (!s.url().isEmpty()) {
            h.string(Tag.URL, s.url());
        }
        h.string(Tag.OS, "linux").string(Tag.ARCH, s.arch().rpm());
        fileTags(h, s, nodes, digests);
        h.string(Tag.SOURCERPM, s.name() + "-" + s.version() + "-" + s.release() + ".src.rpm");
        dependencies(h, Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION, provides(s));
        dependencies(h, Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION, requires(s));
        h.string(Tag.RPMVERSION, "rpm-release-0.1.0");
        if (!s.changelog().isEmpty()) {
            int n = s.changelog().size();
            int[] t = new int[n];
            String[] a = new String[n];
            String[] x = new String[n];
            for (int i = 0; i < n; i++) {
                t[i] = (int) s.changelog().get(i).time();
                a[i] = s.changelog().get(i).author();
                x[i] = s.changelog().get(i).text();
            }
            h.int32(Tag.CHANGELOGTIME, t).strings(Tag.CHANGELOGNAME, a).strings(Tag.CHANGELOGTEXT, x);
        }
        h.string(Tag.PAYLOADFORMAT, "cpio");
        if (s.compression().algorithm() != Compression.Algorithm.NONE) {
            h.string(Tag.PAYLOADCOMPRESSOR, s.compression().algorithm().rpmName());
            h.string(Tag.PAYLOADFLAGS, Integer.toString(s.compression().level()));
        }
        if (s.arch() != Arch.NOARCH) {
            h.string(Tag.PLATFORM, s.arch().rpm() + "-redhat-linux-gnu");
        } else {
            h.string(Tag.PLATFORM, "noarch-redhat-linux-gnu");
        }
        h.int32(Tag.FILEDIGESTALGO, 8);
        h.string(Tag.ENCODING, "utf-8");
        h.strings(Tag.PAYLOADDIGEST, payloadDigest);
        h.int32(Tag.PAYLOADDIGESTALGO, 8);
        h.strings(Tag.PAYLOADDIGESTALT, payloadAlt);
        return h.build();
    }

    private static void fileTags(Header.Builder h, PackageSpec s, List<Node> nodes, String[] digests) {
        int n = nodes.size();
        int[] sizes = new int[n];
        short[] modes = new short[n];
        short[] rdevs = new short[n];
        int[] mtimes = new int[n];
        String[] linktos = new String[n];
        int[] flags = new int[n];
        String[] users = new String[n];
        String[] groups = new String[n];
        int[] verify = new int[n];
        int[] devices = new int[n];
        int[] inodes = new int[n];
        String[] langs = new String[n];
        int[] dirIndexes = new int[n];
        String[] basenames = new String[n];
        Map<String, Integer> dirs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            sizes[i] = (int) node.size;
            modes[i] = (short) node.mode();
            mtimes[i] = (int) s.buildTime();
            linktos[i] = "";
            users[i] = "root";
            groups[i] = "root";
            verify[i] = -1;
            devices[i] = 1;
            inodes[i] = i + 1;
            langs[i] = "";
            String parent = InstallPath.parent(node.path);
            String dirname = parent.equals("/") ? "/" : parent + "/";
            dirIndexes[i] = dirs.computeIfAbsent(dirname, k -> dirs.size());
            basenames[i] = node.path.substring(node.path.lastIndexOf('/') + 1);
        }
        h.int32(Tag.FILESIZES, sizes).int16(Tag.FILEMODES, modes).int16(Tag.FILERDEVS, rdevs)
                .int32(Tag.FILEMTIMES, mtimes).strings(Tag.FILEDIGESTS, digests).strings(Tag.FILELINKTOS, linktos)
                .int32(Tag.FILEFLAGS, flags).strings(Tag.FILEUSERNAME, users).strings(Tag.FILEGROUPNAME, groups)
                .int32(Tag.FILEVERIFYFLAGS, verify).int32(Tag.FILEDEVICES, devices).int32(Tag.FILEINODES, inodes)
                .strings(Tag.FILELANGS, langs).int32(Tag.DIRINDEXES, dirIndexes).strings(Tag.BASENAMES, basenames)
                .strings(Tag.DIRNAMES, dirs.keySet().toArray(new String[0]));
    }

    private static List<Dependency> provides(PackageSpec s) {
        List<Dependency> r = new ArrayList<>();
        String evr = (s.epoch() != null ? s.epoch() + ":" : "") + s.version() + "-" + s.release();
        r.add(new Dependency(s.name(), Dependency.EQUAL, evr));
        if (s.arch().isa() != null) {
            r.add(new Dependency(s.name() + "(" + s.arch().isa() + ")", Dependency.EQUAL, evr));
        }
        r.addAll(s.provides());
        return r;
    }

    private static List<Dependency> requires(PackageSpec s) {
        TreeMap<String, Dependency> r = new TreeMap<>();
        for (Dependency d : s.requires()) {
            r.put(d.toString(), d);
        }
        List<Dependency> lib = new ArrayList<>();
        lib.add(Dependency.rpmlib("CompressedFileNames", "3.0.4-1"));
        lib.add(Dependency.rpmlib("FileDigests", "4.6.0-1"));
        lib.add(Dependency.rpmlib("PayloadFilesHavePrefix", "4.0-1"));
        if (s.compression().algorithm() == Compression.Algorithm.ZSTD) {
            lib.add(Dependency.rpmlib("PayloadIsZstd", "5.4.18-1"));
        } else if (s.compression().algorithm() == Compression.Algorithm.XZ) {
            lib.add(Dependency.rpmlib("PayloadIsXz", "5.2-1"));
        }
        for (Dependency d : lib) {
            r.put(d.toString(), d);
        }
        return new ArrayList<>(r.values());
    }

    private static void dependencies(Header.Builder h, Tag names, Tag flags, Tag versions, List<Dependency> deps) {
        if (deps.isEmpty()) {
            return;
        }
        String[] n = new String[deps.size()];
        int[] f = new int[deps.size()];
        String[] v = new String[deps.size()];
        for (int i = 0; i < deps.size(); i++) {
            n[i] = deps.get(i).name();
            f[i] = deps.get(i).flags();
            v[i] = deps.get(i).version();
        }
        h.strings(names, n).int32(flags, f).strings(versions, v);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A directory or regular file of the package. */
    record Node(String path, boolean dir, FileEntry file, long size) {
        int mode() {
            return dir ? 040755 : 0100000 | file.mode();
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
