package io.avalanche.rpm.format;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * rpm's integrity checks of one package, signatures aside: header structure, header SHA-256/SHA-1, size, payload
 * digest and MD5. The payload is read once, in {@link #streamPayload}, which also feeds what a caller adds (the
 * signature checks of verify/, a hash tee).
 */
public final class PackageDigests {
    private static final int CHUNK = 1 << 16;

    /** Receives bytes of the file, in order, from the one read pass. */
    @FunctionalInterface
    public interface Sink {
        void update(byte[] b, int off, int len);
    }

    private PackageDigests() {
    }

    /**
     * The digest checks of a package that fail, signatures aside: what rpmsign checks before it signs ("not signing
     * corrupt package"). A digest that is absent is not a failure here, except the payload digest, without which a
     * header-only signature would not cover the payload.
     */
    public static List<CheckResult> failures(Path file) {
        String name = file.toString();
        List<CheckResult> all = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            RpmPackage pkg;
            byte[] sigBlob;
            try {
                pkg = RpmReader.read(ch, name);
                sigBlob = readAt(ch, Lead.SIZE, pkg.signatureLength());
            } catch (RpmException e) {
                return List.of(unreadable(e));
            }
            all.addAll(headerChecks(pkg, sigBlob));
            Payload p = payload(pkg);
            streamPayload(ch, pkg.payloadOffset(), List.of(p));
            all.addAll(p.results());
        } catch (IOException e) {
            throw new RpmException(name + ": cannot read the package: " + IoErrors.why(e), e);
        }
        return all.stream().filter(c -> c.status() == CheckStatus.BAD
                || (c.status() == CheckStatus.MISSING && c.check().equals("payload-digest"))).toList();
    }

    /**
     * The verdict on a package the reader refused: "structure" when a header's index or an entry's type or count is
     * wrong (rpm's header checks), "format" for anything else (not an RPM, truncated).
     */
    public static CheckResult unreadable(RpmException e) {
        return CheckResult.of(e instanceof HeaderStructureException ? "structure" : "format", CheckStatus.BAD,
                e.getMessage());
    }

    /** Structure of both headers, header SHA-256 (required) and SHA-1, and the size the signature header states. */
    public static List<CheckResult> headerChecks(RpmPackage pkg, byte[] sigBlob) {
        List<CheckResult> out = new ArrayList<>();
        Header sig = pkg.signature();
        byte[] hb = pkg.headerBytes();
        String structure = HeaderStructure.problem(sigBlob, HeaderCodec.REGION_TAG_SIGNATURES)
                .or(() -> HeaderStructure.problem(hb, HeaderCodec.REGION_TAG_IMMUTABLE)).orElse(null);
        out.add(structure == null ? CheckResult.of("structure", CheckStatus.OK, "")
                : CheckResult.of("structure", CheckStatus.BAD, structure));
        out.add(digest("header-sha256", sig.get(SigTag.SHA256HEADER).map(e -> e.strings()[0]).orElse(null),
                hex("SHA-256", hb), true));
        sig.get(SigTag.SHA1HEADER).ifPresent(e -> out.add(digest("header-sha1", e.strings()[0], hex("SHA-1", hb), true)));
        if (sig.has(SigTag.SIZE.id()) || sig.has(SigTag.LONGSIZE.id())) {
            long stated = sig.has(SigTag.LONGSIZE.id()) ? sig.numbers(SigTag.LONGSIZE.id())[0]
                    : sig.numbers(SigTag.SIZE.id())[0];
            long actual = pkg.fileSize() - pkg.mainHeaderOffset();
            out.add(stated == actual ? CheckResult.of("size", CheckStatus.OK, "")
                    : CheckResult.of("size", CheckStatus.BAD, "header+payload is " + actual
                    + " bytes, signature header says " + stated));
        }
        return out;
    }

    /** The payload digest (5092/5093) and the legacy MD5 over header+payload, fed by {@link #streamPayload}. */
    public static Payload payload(RpmPackage pkg) {
        Header sig = pkg.signature();
        MessageDigest md5 = sig.has(SigTag.MD5.id()) ? md("MD5") : null;
        if (md5 != null) {
            md5.update(pkg.headerBytes());
        }
        byte[] statedMd5 = md5 == null ? null : bytes(sig, SigTag.MD5.id());
        return new Payload(PayloadDigest.of(pkg.header()), md5, statedMd5);
    }

    /** Reads the file from {@code from} to its end once, handing every chunk to each sink in order. */
    public static void streamPayload(FileChannel ch, long from, List<? extends Sink> sinks) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long pos = from;
        while (true) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
            byte[] a = buf.array();
            for (Sink s : sinks) {
                s.update(a, 0, n);
            }
        }
    }

    /** Reads {@code n} bytes at {@code pos}; a short file is a truncated signature header. */
    public static byte[] readAt(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new RpmFormatException("truncated signature header");
            }
            p += r;
        }
        return b.array();
    }

    /** The bytes of a BIN tag, empty when absent or of another type. */
    public static byte[] bytes(Header h, int tag) {
        return h.get(tag).map(e -> e.type() == RpmType.BIN ? e.bytes() : new byte[0]).orElse(new byte[0]);
    }

    /** The running payload checks of one package. */
    public static final class Payload implements Sink {
        private final PayloadDigest digest;
        private final MessageDigest md5;
        private final byte[] statedMd5;

        private Payload(PayloadDigest digest, MessageDigest md5, byte[] statedMd5) {
            this.digest = digest;
            this.md5 = md5;
            this.statedMd5 = statedMd5;
        }

        @Override
        public void update(byte[] b, int off, int len) {
            if (digest.digest() != null) {
                digest.digest().update(b, off, len);
            }
            if (md5 != null) {
                md5.update(b, off, len);
            }
        }

        /** payload-digest, then md5 when the signature header has one. */
        public List<CheckResult> results() {
            List<CheckResult> out = new ArrayList<>();
            out.add(digest.result());
            if (md5 != null) {
                out.add(digest("md5", HexFormat.of().formatHex(statedMd5), HexFormat.of().formatHex(md5.digest()),
                        false));
            }
            return out;
        }
    }

    private static CheckResult digest(String check, String stated, String actual, boolean required) {
        if (stated == null) {
            return CheckResult.of(check, required ? CheckStatus.MISSING : CheckStatus.OK, "absent");
        }
        return stated.equalsIgnoreCase(actual) ? CheckResult.of(check, CheckStatus.OK, actual)
                : CheckResult.of(check, CheckStatus.BAD, "stated " + stated + ", actual " + actual);
    }

    private static MessageDigest md(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " missing from the JDK", e);
        }
    }

    private static String hex(String alg, byte[] data) {
        return HexFormat.of().formatHex(md(alg).digest(data));
    }

    /** The payload digest the main header states (5092 with algorithm 5093) and its running computation. */
    private record PayloadDigest(String stated, String algorithm, MessageDigest digest, String problem) {
        static PayloadDigest of(Header h) {
            String[] v = h.strings(Tag.PAYLOADDIGEST);
            if (v.length == 0) {
                return new PayloadDigest(null, null, null, "no PAYLOADDIGEST (tag 5092) in the main header");
            }
            long[] algo = h.numbers(Tag.PAYLOADDIGESTALGO);
            int a = algo.length == 0 ? 8 : (int) algo[0];
            String jdk = switch (a) {
                case 8 -> "SHA-256";
                case 9 -> "SHA-384";
                case 10 -> "SHA-512";
                default -> null;
            };
            if (jdk == null) {
                return new PayloadDigest(v[0], null, null, "unsupported payload digest algorithm " + a);
            }
            return new PayloadDigest(v[0], jdk, md(jdk), null);
        }

        CheckResult result() {
            if (stated == null) {
                return CheckResult.of("payload-digest", CheckStatus.MISSING, problem);
            }
            if (digest == null) {
                return CheckResult.of("payload-digest", CheckStatus.BAD, problem);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            return stated.equalsIgnoreCase(actual)
                    ? CheckResult.of("payload-digest", CheckStatus.OK, algorithm + " " + actual)
                    : CheckResult.of("payload-digest", CheckStatus.BAD, algorithm + " stated " + stated + ", actual "
                    + actual);
        }
    }
}
