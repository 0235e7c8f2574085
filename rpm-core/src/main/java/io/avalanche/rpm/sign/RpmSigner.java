package io.avalanche.rpm.sign;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.pgp.SignaturePacket;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.Lead;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.format.PackageDigests;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Adds a header-only signature (tag 268) to an RPM file. Rewrites only the signature header, in place,
 * when its reserved space (tag 1008) can absorb the change; otherwise streams the file through a
 * temporary file in the same directory and moves it into place atomically.
 */
public final class RpmSigner {
    private final HeaderSigner signer;

    public RpmSigner(HeaderSigner signer) {
        this.signer = signer;
    }

    /**
     * Signs (or re-signs) the package at this path; the main header and payload are never changed. Refuses,
     * changing nothing, a package whose digests do not match (as rpmsign: "not signing corrupt package").
     */
    public SignResult sign(Path file) {
        HeaderToSign h = headerToSign(file);
        return applySignature(file, signer.sign(h.headerBytes()), h.sha256());
    }

    /**
     * Signs a package this process has just written with RpmWriter (its digests were computed while writing):
     * like {@link #sign} without re-reading the payload; the header digest is still checked.
     */
    public SignResult signWritten(Path file) {
        RpmPackage pkg = RpmReader.read(file);
        byte[] hb = pkg.headerBytes();
        String sha = sha256Hex(hb);
        check(pkg, sha);
        return applySignature(file, signer.sign(hb), sha);
    }

    /**
     * The signature header a package being written gets (RpmWriter's signature filler): the same entries and layout
     * {@link #signWritten} would give it, {@code length} bytes, so the file is written once and never re-read.
     */
    public static byte[] signatureHeader(HeaderSigner signer, Header unsigned, byte[] mainHeader, String sha256,
                                         int length) {
        byte[] packet = signer.sign(mainHeader);
        String bad = SignaturePacket.problem(packet);
        if (bad != null) {
            throw new SigningException("the header signer returned an unusable signature: " + bad);
        }
        return SignatureHeaders.fit(SignatureHeaders.withSignature(unsigned, sha256, packet), length)
                .orElseThrow(() -> new SigningException("the signature (" + packet.length
                        + " bytes) does not fit the signature header's reserved space"));
    }

    /**
     * Phase 1 of a split signing (e.g. agent reads, controller signs): the main header bytes to sign and
     * their SHA-256. Refuses packages whose digests (header, payload, size, MD5) do not match or that lack a
     * payload digest: the whole payload is read once, as rpmsign does before it signs.
     */
    public static HeaderToSign headerToSign(Path file) {
        RpmPackage pkg = RpmReader.read(file);
        byte[] hb = pkg.headerBytes();
        String sha = sha256Hex(hb);
        check(pkg, sha);
        checkSize(pkg);
        List<CheckResult> bad = PackageDigests.failures(file);
        if (!bad.isEmpty()) {
            throw new SigningException(file + ": not signing a corrupt package: "
                    + String.join("; ", bad.stream().map(CheckResult::describe).toList())
                    + "; nothing was changed: rebuild or download the package again");
        }
        return new HeaderToSign(file.toString(), hb, sha);
    }

    /**
     * Phase 2 of a split signing: stores this OpenPGP signature packet as tag 268 in the signature header
     * (in place when the reserved space allows, otherwise by a streamed rewrite), after checking that the
     * main header still has the SHA-256 {@code expectedHeaderSha256} that was signed.
     */
    public static SignResult applySignature(Path file, byte[] signaturePacket, String expectedHeaderSha256) {
        byte[] newSig;
        RpmPackage pkg;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            pkg = RpmReader.read(ch, file.toString());
            String sha = sha256Hex(pkg.headerBytes());
            if (!sha.equalsIgnoreCase(expectedHeaderSha256)) {
                throw new SigningException(file + ": the main header changed since it was read for signing"
                        + " (SHA-256 " + sha + ", signed " + expectedHeaderSha256 + "); sign it again");
            }
            check(pkg, sha);
            String bad = SignaturePacket.problem(signaturePacket);
            if (bad != null) {
                throw new SigningException(file + ": the header signer returned an unusable signature: " + bad);
            }
            Header base = SignatureHeaders.withSignature(pkg.signature(), sha, signaturePacket);
            Optional<byte[]> fitted = SignatureHeaders.fit(base, pkg.signatureLength());
            if (fitted.isPresent()) {
                writeFully(ch, ByteBuffer.wrap(fitted.get()), Lead.SIZE);
                ch.force(false);
                return new SignResult(file, true, sha, pkg.fileSize());
            }
            newSig = SignatureHeaders.withDefaultReserve(base);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot sign: " + IoErrors.why(e), e);
        }
        long size = rewrite(file, pkg, newSig);
        return new SignResult(file, false, sha256Hex(pkg.headerBytes()), size);
    }

    private static void check(RpmPackage pkg, String sha) {
        String name = pkg.name();
        pkg.signature().get(SigTag.SHA256HEADER).ifPresent(e -> {
            if (!e.strings()[0].equalsIgnoreCase(sha)) {
                throw new SigningException(name + ": not signing a corrupt package: SHA256HEADER (tag 273) does not"
                        + " match the main header; nothing was changed: rebuild or download the package again");
            }
        });
        if (!pkg.header().has(Tag.PAYLOADDIGEST.id())) {
            throw new SigningException(name + ": the main header has no PAYLOADDIGEST (tag 5092), so a header-only"
                    + " signature would not cover the payload (dnf reports it as not signed); rebuild the package"
                    + " with rpm >= 4.14 or rpm-release");
        }
    }

    /** The stated header+payload size first: a padded or truncated file is refused without reading it. */
    private static void checkSize(RpmPackage pkg) {
        Header sig = pkg.signature();
        int tag = sig.has(SigTag.LONGSIZE.id()) ? SigTag.LONGSIZE.id() : SigTag.SIZE.id();
        long[] stated = sig.numbers(tag);
        long actual = pkg.fileSize() - pkg.mainHeaderOffset();
        if (stated.length == 1 && stated[0] != actual) {
            throw new SigningException(pkg.name() + ": not signing a corrupt package: header and payload are "
                    + actual + " bytes, the signature header (tag " + tag + ") says " + stated[0]
                    + "; nothing was changed: rebuild or download the package again");
        }
    }

    private static long rewrite(Path file, RpmPackage pkg, byte[] newSig) {
        Path dir = PathNames.dir(file);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".signing");
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.allocate(Lead.SIZE + newSig.length + HeaderCodec.padding8(newSig.length));
                head.put(pkg.lead()).put(newSig);
                head.position(head.capacity()).flip();
                writeFully(out, head, 0);
                long pos = pkg.mainHeaderOffset();
                long dst = head.capacity();
                long end = in.size();
                while (pos < end) {
                    long n = in.transferTo(pos, end - pos, out.position(dst));
                    if (n <= 0) {
                        throw new IOException("short copy at offset " + pos);
                    }
                    pos += n;
                    dst += n;
                }
                out.force(true);
            }
            copyPermissions(file, tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot rewrite the package to add its signature: "
                    + IoErrors.why(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original file is untouched
                }
            }
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(from);
            Files.setPosixFilePermissions(to, p);
        } catch (UnsupportedOperationException | IOException ignored) {
            // non-POSIX file system: keep the temp file's defaults
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
