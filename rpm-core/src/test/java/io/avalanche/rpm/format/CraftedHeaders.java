package io.avalanche.rpm.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A corpus of packages with one crafted header entry each: every tag the code names ({@link Tag}, {@link SigTag})
 * given another tag's type, a count of 0, a count one too large, a huge count, and (for arrays) one too small. A
 * main-header variant keeps the signature header's digests and size right (and drops the signatures), so readers
 * reach the crafted entry instead of stopping at a digest.
 */
public final class CraftedHeaders {
    /** How the entry was crafted. */
    public enum Kind { WRONG_TYPE, COUNT_ZERO, COUNT_PLUS_ONE, COUNT_HUGE, COUNT_MINUS_ONE }

    /** One crafted package. */
    public record Case(String name, Path file, Kind kind, boolean signatureHeader, int tag) {
        /**
         * True when the crafted entry always breaks the header's structure or a tag's type (rpm refuses it too); a
         * count one too large may instead take a padding byte or an empty string and stay well-formed.
         */
        public boolean structural() {
            return kind == Kind.WRONG_TYPE || kind == Kind.COUNT_ZERO || kind == Kind.COUNT_HUGE;
        }
    }

    private CraftedHeaders() {
    }

    /** Writes the corpus for {@code base} (a good, signed package) into {@code dir}. */
    public static List<Case> corpus(Path base, Path dir) {
        try {
            Files.createDirectories(dir);
            RpmPackage pkg = RpmReader.read(base);
            byte[] all = Files.readAllBytes(base);
            byte[] payload = Arrays.copyOfRange(all, (int) pkg.payloadOffset(), all.length);
            List<Case> out = new ArrayList<>();
            for (Tag t : Tag.values()) {
                if (t == Tag.HEADERIMMUTABLE) {
                    continue;
                }
                for (Variant v : variants(pkg.header(), t.id(), t.type(), false)) {
                    byte[] main = v.apply(pkg.header(), HeaderCodec.REGION_TAG_IMMUTABLE);
                    byte[] sig = HeaderCodec.encode(resealed(pkg.signature(), main, payload.length),
                            HeaderCodec.REGION_TAG_SIGNATURES);
                    out.add(write(dir, "main-" + t.name() + "-" + v.label(), v.kind(), false, t.id(), pkg.lead(), sig,
                            main, payload));
                }
            }
            for (SigTag t : SigTag.values()) {
                if (t == SigTag.HEADERSIGNATURES) {
                    continue;
                }
                for (Variant v : variants(pkg.signature(), t.id(), t.type(), true)) {
                    byte[] sig = v.apply(pkg.signature(), HeaderCodec.REGION_TAG_SIGNATURES);
                    out.add(write(dir, "sig-" + t.name() + "-" + v.label(), v.kind(), true, t.id(), pkg.lead(), sig,
                            pkg.headerBytes(), payload));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code base} with its main header edited (e.g. header text no input path accepts), written to {@code out}
     * with matching digests and size and no signature.
     */
    public static Path withMainHeader(Path base, Path out, java.util.function.UnaryOperator<Header> edit) {
        try {
            RpmPackage pkg = RpmReader.read(base);
            byte[] all = Files.readAllBytes(base);
            byte[] payload = Arrays.copyOfRange(all, (int) pkg.payloadOffset(), all.length);
            byte[] main = HeaderCodec.encode(edit.apply(pkg.header()), HeaderCodec.REGION_TAG_IMMUTABLE);
            byte[] sig = HeaderCodec.encode(resealed(pkg.signature(), main, payload.length),
                    HeaderCodec.REGION_TAG_SIGNATURES);
            Files.createDirectories(out.toAbsolutePath().getParent());
            return write(out.toAbsolutePath().getParent(), stem(out), Kind.WRONG_TYPE, false, 0, pkg.lead(),
                    sig, main, payload).file();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".rpm") ? n.substring(0, n.length() - 4) : n;
    }

    /** One way to craft the entry of a tag: a replacement entry, then an optional count patch. */
    private record Variant(String label, Kind kind, HeaderEntry entry, Integer count) {
        byte[] apply(Header h, int region) {
            byte[] blob = HeaderCodec.encode(h.toBuilder().put(entry).build(), region);
            if (count != null) {
                patchCount(blob, entry.tag(), count);
            }
            return blob;
        }
    }

    private static List<Variant> variants(Header h, int tag, RpmType type, boolean sig) {
        List<Variant> v = new ArrayList<>();
        java.util.Optional<HeaderEntry> present = h.get(tag).filter(e -> e.type() == type);
        HeaderEntry right = present.orElse(sample(tag, type));
        for (RpmType wrong : wrongTypes(type, sig)) {
            v.add(new Variant("type-" + wrong, Kind.WRONG_TYPE, sample(tag, wrong), null));
        }
        v.add(new Variant("count-0", Kind.COUNT_ZERO, right, 0));
        v.add(new Variant("count-plus-1", Kind.COUNT_PLUS_ONE, right, right.count() + 1));
        v.add(new Variant("count-huge", Kind.COUNT_HUGE, right, 0x0fffffff));
        if (present.isPresent() && right.count() >= 2 && type != RpmType.BIN) {
            v.add(new Variant("count-minus-1", Kind.COUNT_MINUS_ONE, right, right.count() - 1));
        }
        return v;
    }

    /** Types of another class than the tag's (string types are one class in the main header, as for rpm). */
    private static List<RpmType> wrongTypes(RpmType type, boolean sig) {
        return switch (type) {
            case STRING, STRING_ARRAY, I18NSTRING -> sig ? List.of(RpmType.INT32, RpmType.BIN, RpmType.STRING_ARRAY)
                    : List.of(RpmType.INT32, RpmType.BIN, RpmType.INT16);
            case INT16 -> List.of(RpmType.INT32, RpmType.STRING_ARRAY, RpmType.BIN);
            case INT32 -> List.of(RpmType.INT16, RpmType.INT64, RpmType.STRING, RpmType.STRING_ARRAY);
            case INT64 -> List.of(RpmType.INT32, RpmType.STRING);
            case BIN -> List.of(RpmType.STRING, RpmType.INT32, RpmType.STRING_ARRAY);
            default -> List.of(RpmType.INT32);
        };
    }

    /** A plausible value of this type: two elements where the type allows it. */
    private static HeaderEntry sample(int tag, RpmType type) {
        return switch (type) {
            case STRING -> new HeaderEntry(tag, type, new String[] {"x"});
            case STRING_ARRAY, I18NSTRING -> new HeaderEntry(tag, type, new String[] {"x", "y"});
            case INT16 -> new HeaderEntry(tag, type, new short[] {1, 2});
            case INT32 -> new HeaderEntry(tag, type, new int[] {1, 2});
            case INT64 -> new HeaderEntry(tag, type, new long[] {1, 2});
            case CHAR, INT8, BIN -> new HeaderEntry(tag, type, new byte[] {1, 2, 3, 4});
            case NULL -> new HeaderEntry(tag, type, null);
        };
    }

    /** The signature header with digests and size that match {@code main}; no signatures, no MD5. */
    private static Header resealed(Header sig, byte[] main, int payloadLength) {
        return sig.toBuilder().remove(SigTag.RSAHEADER.id()).remove(SigTag.DSAHEADER.id()).remove(SigTag.PGP.id())
                .remove(SigTag.GPG.id()).remove(SigTag.MD5.id()).remove(SigTag.LONGSIZE.id())
                .string(SigTag.SHA256HEADER, hex("SHA-256", main)).string(SigTag.SHA1HEADER, hex("SHA-1", main))
                .int32(SigTag.SIZE, main.length + payloadLength).build();
    }

    private static void patchCount(byte[] blob, int tag, int count) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int il = b.getInt(8);
        for (int i = 0; i < il; i++) {
            int p = 16 + 16 * i;
            if (b.getInt(p) == tag) {
                b.putInt(p + 12, count);
                return;
            }
        }
        throw new AssertionError("tag " + tag + " not in the header");
    }

    private static Case write(Path dir, String name, Kind kind, boolean sigHeader, int tag, byte[] lead, byte[] sig,
                              byte[] main, byte[] payload) throws IOException {
        int pad = HeaderCodec.padding8(sig.length);
        ByteBuffer b = ByteBuffer.allocate(lead.length + sig.length + pad + main.length + payload.length);
        b.put(lead).put(sig).put(new byte[pad]).put(main).put(payload);
        Path f = dir.resolve(name + ".rpm");
        Files.write(f, b.array());
        return new Case(name, f, kind, sigHeader, tag);
    }

    private static String hex(String alg, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
