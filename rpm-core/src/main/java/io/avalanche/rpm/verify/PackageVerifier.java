package io.avalanche.rpm.verify;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.HeaderEntry;
import io.avalanche.rpm.format.Lead;
import io.avalanche.rpm.format.RpmType;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.format.Tag;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies one RPM in Java as RHEL 9 would: header digests, payload digest (streamed), the header
 * signature (268) and any legacy header+payload signature (1002/1005) against trusted keys.
 */
public final class PackageVerifier {
    private static final Map<Integer, RpmType> SIG_TYPES = Map.of(
            SigTag.DSAHEADER.id(), RpmType.BIN, SigTag.RSAHEADER.id(), RpmType.BIN,
            SigTag.SHA1HEADER.id(), RpmType.STRING, SigTag.SHA256HEADER.id(), RpmType.STRING,
            SigTag.PGP.id(), RpmType.BIN, SigTag.GPG.id(), RpmType.BIN, SigTag.MD5.id(), RpmType.BIN,
            SigTag.SIZE.id(), RpmType.INT32, SigTag.LONGSIZE.id(), RpmType.INT64,
            SigTag.PAYLOADSIZE.id(), RpmType.INT32);
    private static final int CHUNK = 1 << 16;

    private final TrustedKeys keys;
    private final Clock clock;

    public PackageVerifier(TrustedKeys keys) {
        this(keys, Clock.systemUTC());
    }

    public PackageVerifier(TrustedKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * The digest checks of a package that fail (structure, header SHA-256/SHA-1, size, payload digest, MD5),
     * signatures aside: what rpmsign checks before it signs ("not signing corrupt package"). A digest that
     * is absent is not a failure here, except the payload digest, without which a header-only signature
     * would not cover the payload.
     */
    public static List<CheckResult> digestFailures(Path file) {
        VerifyReport r = new PackageVerifier(TrustedKeys.none()).verify(file);
        return r.checks().stream()
                .filter(c -> !c.check().contains("signature"))
                .filter(c -> c.status() == CheckStatus.BAD
                        || (c.status() == CheckStatus.MISSING && c.check().equals("payload-digest")))
                .toList();
    }

    /** Receives every byte of the file, in order, from the read pass of {@link #verify(Path, FileTee)}. */
    @FunctionalInterface
    public interface FileTee {
        void update(byte[] b, int off, int len);
    }

    /** Checks one package file; never throws for a damaged package (that is a BAD check). */
    public VerifyReport verify(Path file) {
        return verify(file, null);
    }

    /**
     * As {@link #verify(Path)}, handing every byte of the file to {@code tee} from the same read pass (e.g. to hash
     * the whole file): the bytes checked are the bytes the tee saw. The tee is complete only when the report is ok.
     */
    public VerifyReport verify(Path file, FileTee tee) {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            RpmPackage pkg;
            byte[] sigBlob;
            try {
                pkg = RpmReader.read(ch, name);
                sigBlob = readAt(ch, Lead.SIZE, pkg.signatureLength());
            } catch (RpmException e) {
                return new VerifyReport(name, List.of(CheckResult.of("format", CheckStatus.BAD, e.getMessage())));
            }
            if (tee != null && !teeHeaders(ch, pkg, sigBlob, tee)) {
                return new VerifyReport(name, List.of(CheckResult.of("format", CheckStatus.BAD,
                        "the headers changed while the package was read; do not modify it while it is checked")));
            }
            return new VerifyReport(name, checks(ch, pkg, sigBlob, tee));
        } catch (IOException e) {
            throw new RpmException(name + ": cannot read the package: " + e.getMessage(), e);
        }
    }

    /** Hands the bytes before the payload to the tee, after checking they are the ones parsed. */
    private static boolean teeHeaders(FileChannel ch, RpmPackage pkg, byte[] sigBlob, FileTee tee) throws IOException {
        byte[] head = readAt(ch, 0, (int) pkg.payloadOffset());
        byte[] hb = pkg.headerBytes();
        if (!java.util.Arrays.equals(head, 0, Lead.SIZE, pkg.lead(), 0, Lead.SIZE)
                || !java.util.Arrays.equals(head, Lead.SIZE, Lead.SIZE + sigBlob.length, sigBlob, 0, sigBlob.length)
                || !java.util.Arrays.equals(head, (int) pkg.mainHeaderOffset(), head.length, hb, 0, hb.length)) {
            return false;
        }
        tee.update(head, 0, head.length);
        return true;
    }

    private List<CheckResult> checks(FileChannel ch, RpmPackage pkg, byte[] sigBlob, FileTee tee) throws IOException {
        List<CheckResult> out = new ArrayList<>();
        Header sig = pkg.signature();
        byte[] hb = pkg.headerBytes();
        String structure = HeaderStructure.problem(sigBlob, HeaderCodec.REGION_TAG_SIGNATURES)
                .or(() -> HeaderStructure.problem(hb, HeaderCodec.REGION_TAG_IMMUTABLE))
                .or(() -> typeProblem(sig)).orElse(null);
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
                    : CheckResult.of("size", CheckStatus.BAD, "header+payload is " + actual + " bytes, signature header says " + stated));
        }

        java.time.Instant now = clock.instant();
        int headerSigTag = sig.has(SigTag.RSAHEADER.id()) ? SigTag.RSAHEADER.id()
                : sig.has(SigTag.DSAHEADER.id()) ? SigTag.DSAHEADER.id() : -1;
        if (headerSigTag < 0) {
            out.add(CheckResult.of("header-signature", CheckStatus.MISSING, "no RSA header signature (tag 268)"));
        } else if (headerSigTag == SigTag.DSAHEADER.id()) {
            out.add(CheckResult.of("header-signature", CheckStatus.BAD, SignatureCheck.algorithmOf(
                    bytes(sig, headerSigTag)) + " header signature (tag 267) is not accepted: RHEL 9 policy here"
                    + " takes RSA signatures (tag 268) only; sign with an RSA key"));
        } else {
            SignatureCheck hs = SignatureCheck.start("header-signature", bytes(sig, headerSigTag), keys, now);
            hs.update(hb, 0, hb.length);
            out.add(hs.finish());
        }

        List<SignatureCheck> legacy = new ArrayList<>();
        if (sig.has(SigTag.GPG.id())) {
            out.add(CheckResult.of("legacy-signature-1005", CheckStatus.BAD, "legacy "
                    + SignatureCheck.algorithmOf(bytes(sig, SigTag.GPG.id())) + " signature (tag 1005) is not"
                    + " accepted; re-sign the package with an RSA key"));
        }
        for (SigTag t : List.of(SigTag.PGP)) {
            if (sig.has(t.id())) {
                SignatureCheck c = SignatureCheck.start("legacy-signature-" + t.id(), bytes(sig, t.id()), keys, now);
                c.update(hb, 0, hb.length);
                legacy.add(c);
            }
        }
        MessageDigest md5 = sig.has(SigTag.MD5.id()) ? md("MD5") : null;
        if (md5 != null) {
            md5.update(hb);
        }
        io.avalanche.rpm.Profile.mark("headers and signature checked");
        PayloadDigest pd = PayloadDigest.of(pkg.header());
        streamPayload(ch, pkg.payloadOffset(), pd.digest(), md5, legacy, tee);

        out.add(pd.result());
        if (md5 != null) {
            out.add(digest("md5", HexFormat.of().formatHex(bytes(sig, SigTag.MD5.id())),
                    HexFormat.of().formatHex(md5.digest()), false));
        }
        for (SignatureCheck c : legacy) {
            out.add(c.finish());
        }
        return out;
    }

    private static Optional<String> typeProblem(Header sig) {
        for (HeaderEntry e : sig.entries()) {
            RpmType want = SIG_TYPES.get(e.tag());
            if (want != null && (e.type() != want || e.count() < 1
                    || (want.code() >= RpmType.INT32.code() && want.code() <= RpmType.INT64.code() && e.count() != 1))) {
                return Optional.of("signature tag " + e.tag() + " has type " + e.type() + " count " + e.count());
            }
        }
        return Optional.empty();
    }

    private static void streamPayload(FileChannel ch, long from, MessageDigest payload, MessageDigest md5,
                                      List<SignatureCheck> legacy, FileTee tee) throws IOException {
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
            if (payload != null) {
                payload.update(a, 0, n);
            }
            if (md5 != null) {
                md5.update(a, 0, n);
            }
            for (SignatureCheck c : legacy) {
                c.update(a, 0, n);
            }
            if (tee != null) {
                tee.update(a, 0, n);
            }
        }
    }

    private static CheckResult digest(String check, String stated, String actual, boolean required) {
        if (stated == null) {
            return CheckResult.of(check, required ? CheckStatus.MISSING : CheckStatus.OK, "absent");
        }
        return stated.equalsIgnoreCase(actual) ? CheckResult.of(check, CheckStatus.OK, actual)
                : CheckResult.of(check, CheckStatus.BAD, "stated " + stated + ", actual " + actual);
    }

    private static byte[] bytes(Header h, int tag) {
        return h.get(tag).map(e -> e.type() == RpmType.BIN ? e.bytes() : new byte[0]).orElse(new byte[0]);
    }

    private static byte[] readAt(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new io.avalanche.rpm.format.RpmFormatException("truncated signature header");
            }
            p += r;
        }
        return b.array();
    }

    static MessageDigest md(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " missing from the JDK", e);
        }
    }

    static String hex(String alg, byte[] data) {
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
            return stated.equalsIgnoreCase(actual) ? CheckResult.of("payload-digest", CheckStatus.OK, algorithm + " " + actual)
                    : CheckResult.of("payload-digest", CheckStatus.BAD, algorithm + " stated " + stated + ", actual " + actual);
        }
    }
}
