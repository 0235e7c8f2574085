package io.avalanche.rpm.sign;

import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of damaged or wrongly signed packages: our verifier fails every one, and rpm -K (with the
 * right key imported in a private dbpath) fails every one too, except the variants listed in
 * {@link #RHEL9_STRICTER}, where RHEL 9 policy (or ours) is stricter than Debian's rpm 4.18 and rpm says OK.
 * Lead bytes rpm ignores (name, arch, OS) and bytes no check covers (RESERVEDSPACE zeros, alignment
 * padding) are deliberately not mutated: both verifiers accept them.
 */
class TamperCorpusTest {
    /** The only variants Debian's rpm 4.18 accepts; RHEL 9 and/or our verifier refuse them, for the reason given. */
    static final Map<String, String> RHEL9_STRICTER = Map.of(
            "gpg-rpmsign-sha1", "SHA-1 signature: RHEL 9's crypto policy rejects it, Debian rpm 4.18 accepts it",
            "expired-key", "signed after the key expired: rpm 4.18's internal OpenPGP parser ignores key expiry;"
                    + " rpm with rpm-sequoia (RHEL 9.3+) and our verifier reject it",
            "gpg-rpmsign-sha1-self-signed-key", "SHA-256 signature by a key whose self-signatures use SHA-1: RHEL 9"
                    + " refuses such keys, Debian rpm 4.18 imports and accepts them",
            "rsaheader-tag-to-dsa", "a valid RSA header signature stored under tag 267 (DSAHEADER): rpm 4.18 verifies"
                    + " it by content; our policy accepts header signatures only as RSA in tag 268, as we write them");

    @TempDir
    static Path dir;
    static Path base;
    static Path other;
    static byte[] baseBytes;
    static RpmPackage pkg;
    static SigningKey key;
    static Path keyFile;
    static Path db;
    static GpgHome gpg;

    /** One variant: its file, the public key that is "right" for it, and the rpm db holding that key. */
    record Variant(String name, Path file, Path publicKey, Path db) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        key = SigningKeys.ephemeral(2048, Clock.systemUTC());
        base = RpmFixtures.build(dir, "tamper", 40_000);
        other = RpmFixtures.build(dir, "tamperother", 40_000);
        new RpmSigner(key.headerSigner()).sign(base);
        new RpmSigner(key.headerSigner()).sign(other);
        baseBytes = Files.readAllBytes(base);
        pkg = RpmReader.read(base);
        keyFile = key.exportPublicKey(dir.resolve("KEY"));
        db = RpmFixtures.dbWithKey(dir, keyFile);
        gpg = new GpgHome();
    }

    @AfterAll
    static void tearDown() throws IOException {
        gpg.close();
    }

    @Test
    void baseIsGoodForBothVerifiers() {
        assertThat(new PackageVerifier(TrustedKeys.load(keyFile)).verify(base).ok()).isTrue();
        assertThat(RpmFixtures.enforce(db, base).exit()).isZero();
        assertThat(Proc.run(List.of("rpm", "--dbpath", db.toString(), "-K", base.toString())).exit()).isZero();
    }

    @Test
    void rpmsignSha256IsGoodForBoth() throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "rpmsign sha256"));
        Variant v = rpmsign("gpg-rpmsign-sha256", fpr, "sha256");
        VerifyReport ours = new PackageVerifier(TrustedKeys.load(v.publicKey())).verify(v.file());
        assertThat(ours.ok()).as(ours.toString()).isTrue();
        assertThat(RpmFixtures.enforce(v.db(), v.file()).exit()).isZero();
    }

    @Test
    void everyVariantFailsOursAndRpmAgrees() throws IOException {
        List<Variant> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(50);
        List<String> disagreements = new ArrayList<>();
        Map<String, Boolean> rpmVerdicts = new LinkedHashMap<>();
        for (Variant v : corpus) {
            VerifyReport ours = new PackageVerifier(TrustedKeys.load(v.publicKey())).verify(v.file());
            assertThat(ours.ok()).as("our verifier must fail " + v.name() + ": " + ours).isFalse();
            assertThat(PackageVerifier.loading(v.publicKey()).verify(v.file()))
                    .as("the same checks, in the same order, with the key loaded beside the payload: " + v.name())
                    .isEqualTo(ours);
            Proc.Result k = Proc.run(List.of("rpm", "--dbpath", v.db().toString(), "-K", v.file().toString()));
            Proc.Result enforce = RpmFixtures.enforce(v.db(), v.file());
            boolean rpmBad = k.exit() != 0 || enforce.exit() != 0;
            rpmVerdicts.put(v.name(), rpmBad);
            boolean stricter = RHEL9_STRICTER.containsKey(v.name());
            if (rpmBad == stricter) {
                disagreements.add(v.name() + ": rpm -K exit " + k.exit() + ", checksig exit " + enforce.exit()
                        + (stricter ? " (listed as RHEL 9 stricter, so rpm was expected to accept it)" : "")
                        + "\n" + k.all() + enforce.all() + "ours: " + ours.failures());
            }
        }
        assertThat(disagreements).as("variants where rpm and the expectation differ").isEmpty();
        assertThat(rpmVerdicts.keySet()).containsAll(RHEL9_STRICTER.keySet());
    }

    /**
     * Every byte of the lead and of both header intros (magic, reserved bytes, index count, data size), each
     * changed (lowest and highest bit flipped): wherever rpm -K or rpmkeys --checksig refuses the result, our
     * verifier refuses it too; and where rpm accepts it (lead bytes rpm ignores) we accept it as well.
     */
    @Test
    void everyByteOfLeadAndHeaderIntrosAgreesWithRpm() throws IOException {
        int mainStart = (int) pkg.mainHeaderOffset();
        List<int[]> spans = List.of(new int[] {0, 96}, new int[] {96, 112}, new int[] {mainStart, mainStart + 16});
        List<String> weaker = new ArrayList<>();
        List<String> stricter = new ArrayList<>();
        int refusedByRpm = 0;
        for (int[] span : spans) {
            for (int off = span[0]; off < span[1]; off++) {
                for (int x : new int[] {0x81}) {
                    int o = off;
                    Variant v = mutate("byte-" + off + "-xor-" + x, b -> set(b, o, b[o] ^ x));
                    VerifyReport ours = new PackageVerifier(TrustedKeys.load(v.publicKey())).verify(v.file());
                    boolean rpmBad = Proc.run(List.of("rpm", "--dbpath", v.db().toString(), "-K",
                            v.file().toString())).exit() != 0 || RpmFixtures.enforce(v.db(), v.file()).exit() != 0;
                    refusedByRpm += rpmBad ? 1 : 0;
                    if (rpmBad && ours.ok()) {
                        weaker.add(v.name());
                    } else if (!rpmBad && !ours.ok()) {
                        stricter.add(v.name() + ": " + ours.failures());
                    }
                    Files.delete(v.file());
                }
            }
        }
        assertThat(weaker).as("bytes rpm refuses but our verifier accepts").isEmpty();
        assertThat(stricter).as("bytes rpm accepts but our verifier refuses").isEmpty();
        assertThat(refusedByRpm).as("rpm refuses the magic, version, reserved and size bytes").isGreaterThan(30);
    }

    private List<Variant> corpus() throws IOException {
        List<Variant> c = new ArrayList<>();
        int sigStart = 96;
        int mainStart = (int) pkg.mainHeaderOffset();
        int payStart = (int) pkg.payloadOffset();
        int end = baseBytes.length;

        for (int i = 0; i < 4; i++) {
            c.add(flip("lead-magic-" + i, i));
        }
        c.add(mutate("lead-major-2", b -> set(b, 4, 2)));
        c.add(mutate("lead-sigtype-0", b -> set(b, 79, 0)));

        c.add(flip("sig-header-magic", sigStart + 1));
        c.add(flip("sig-header-version", sigStart + 3));
        c.add(flip("sig-header-il", sigStart + 11));
        c.add(flip("sig-header-dl", sigStart + 14));
        c.add(mutate("sig-header-reserved-nonzero", b -> set(b, sigStart + 7, 1)));
        c.add(mutate("main-header-reserved-nonzero", b -> set(b, mainStart + 4, 0x80)));
        int rsa = dataOffset(SigTag.RSAHEADER.id());
        int rsaLen = count(SigTag.RSAHEADER.id());
        for (int f : new int[] {0, 1, 2, 3, 6, 10, 20, 30, rsaLen / 2, rsaLen - 40, rsaLen - 1}) {
            c.add(flip("rsaheader-byte-" + f, rsa + f));
        }
        int sha = dataOffset(SigTag.SHA256HEADER.id());
        for (int f : new int[] {0, 31, 63}) {
            c.add(mutate("sha256header-char-" + f, b -> set(b, sha + f, b[sha + f] == 'a' ? 'b' : 'a')));
        }
        c.add(mutate("sha256header-nul", b -> set(b, sha + 64, 'a')));
        int sha1 = dataOffset(SigTag.SHA1HEADER.id());
        c.add(mutate("sha1header-char-0", b -> set(b, sha1, b[sha1] == 'a' ? 'b' : 'a')));
        c.add(mutate("sha1header-char-39", b -> set(b, sha1 + 39, b[sha1 + 39] == 'a' ? 'b' : 'a')));
        int md5 = dataOffset(SigTag.MD5.id());
        c.add(flip("md5-byte-0", md5));
        c.add(flip("md5-byte-15", md5 + 15));
        int rsaIdx = indexOffset(SigTag.RSAHEADER.id());
        c.add(mutate("rsaheader-tag-to-dsa", b -> set(b, rsaIdx + 3, 267 & 0xff)));
        c.add(mutate("rsaheader-type-string", b -> set(b, rsaIdx + 7, 6)));
        c.add(mutate("rsaheader-count-minus-1", b -> ByteBuffer.wrap(b).putInt(rsaIdx + 12, rsaLen - 1).array()));
        c.add(mutate("rsaheader-count-plus-1", b -> ByteBuffer.wrap(b).putInt(rsaIdx + 12, rsaLen + 1).array()));
        int shaIdx = indexOffset(SigTag.SHA256HEADER.id());
        c.add(mutate("sha256header-offset-plus-1", b -> ByteBuffer.wrap(b).putInt(shaIdx + 8,
                ByteBuffer.wrap(b).getInt(shaIdx + 8) + 1).array()));

        int mainLen = payStart - mainStart;
        for (int f : new int[] {0, 3, 9, 17, 40, mainLen / 4, mainLen / 2, 3 * mainLen / 4, mainLen - 17, mainLen - 1}) {
            c.add(flip("main-header-byte-" + f, mainStart + f));
        }
        int payLen = end - payStart;
        for (int f : new int[] {0, 1, 10, payLen / 2, payLen - 9, payLen - 1}) {
            c.add(flip("payload-byte-" + f, payStart + f));
        }
        c.add(mutate("payload-appended-byte", b -> b, 1));

        for (int n : new int[] {0, 50, 96, 100, sigStart + pkg.signatureLength() / 2, mainStart, mainStart + 100,
                payStart, payStart + 100, end - 1}) {
            c.add(truncate("truncated-at-" + n, n));
        }

        c.add(signatureMovedFromOther());
        c.add(resigned("wrong-key", SigningKeys.ephemeral(2048, Clock.systemUTC()).headerSigner(), keyFile, db));
        c.add(expiredKey());
        c.add(legacy("legacy-1002-header-only-sig", bytes(SigTag.RSAHEADER.id())));
        c.add(legacy("legacy-1002-garbage", new byte[] {(byte) 0x89, 0, 3, 1, 2, 3}));
        c.add(gpgSha1());
        c.add(gpgSha1SelfSignedKey());
        return c;
    }

    private Variant flip(String name, int offset) throws IOException {
        return mutate(name, b -> set(b, offset, b[offset] ^ 0x10));
    }

    private static byte[] set(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
        return b;
    }

    private Variant mutate(String name, UnaryOperator<byte[]> m) throws IOException {
        return mutate(name, m, 0);
    }

    private Variant mutate(String name, UnaryOperator<byte[]> m, int extra) throws IOException {
        byte[] b = Arrays.copyOf(baseBytes, baseBytes.length + extra);
        Path p = dir.resolve(name + ".rpm");
        Files.write(p, m.apply(b));
        return new Variant(name, p, keyFile, db);
    }

    private Variant truncate(String name, int length) throws IOException {
        Path p = dir.resolve(name + ".rpm");
        Files.write(p, Arrays.copyOf(baseBytes, length));
        return new Variant(name, p, keyFile, db);
    }

    private Variant resigned(String name, HeaderSigner signer, Path publicKey, Path database) throws IOException {
        Path p = dir.resolve(name + ".rpm");
        Files.write(p, baseBytes);
        new RpmSigner(signer).sign(p);
        return new Variant(name, p, publicKey, database);
    }

    private Variant signatureMovedFromOther() throws IOException {
        byte[] sig = RpmReader.read(other).signature().get(SigTag.RSAHEADER).orElseThrow().bytes();
        return resigned("signature-from-other-package", h -> sig, keyFile, db);
    }

    private Variant expiredKey() throws IOException {
        Clock threeDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);
        SigningKey old = SigningKeys.ephemeral(2048, threeDaysAgo);
        Path pub = old.exportPublicKey(dir.resolve("EXPIRED-KEY"));
        Path oldDb = RpmFixtures.dbWithKey(dir, pub);
        return resigned("expired-key", old.headerSigner(HashAlgorithmTags.SHA256, Clock.systemUTC()), pub, oldDb);
    }

    /** The base package with an extra legacy 1002 signature, written in place of reserved space. */
    private Variant legacy(String name, byte[] legacySig) throws IOException {
        Header h = pkg.signature().toBuilder().remove(SigTag.RESERVEDSPACE.id()).bin(SigTag.PGP.id(), legacySig).build();
        byte[] enc = SignatureHeaders.fit(h, pkg.signatureLength()).orElseThrow();
        return mutate(name, b -> {
            System.arraycopy(enc, 0, b, 96, enc.length);
            return b;
        });
    }

    /** Signed by real gpg through rpmsign with a SHA-1 digest; the gpg key itself is imported. */
    private Variant gpgSha1() throws IOException {
        String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "rpmsign sha1"));
        Variant v = rpmsign("gpg-rpmsign-sha1", fpr, "sha1");
        String packets = Proc.run(List.of("rpm", "-qp", "--qf", "%{RSAHEADER:pgpsig}", v.file().toString())).out();
        assertThat(packets).as("rpmsign made a SHA-1 signature").contains("SHA1");
        return v;
    }

    /** Signed by rpmsign with SHA-256, but by a key gpg self-signed with SHA-1. */
    private Variant gpgSha1SelfSignedKey() throws IOException {
        String fpr = gpg.generateWith(List.of("--cert-digest-algo", "SHA1"),
                GpgHome.rsa(2048, "sign,cert", null, "sha1 self-signed"));
        Variant v = rpmsign("gpg-rpmsign-sha1-self-signed-key", fpr, "sha256");
        assertThat(gpg.gpg("--list-packets", v.publicKey().toString()).out()).contains("digest algo 2,");
        return v;
    }

    private Variant rpmsign(String name, String fpr, String digest) throws IOException {
        Path pub = gpg.exportPublic(fpr, dir.resolve(name + ".KEY"));
        Path gdb = RpmFixtures.dbWithKey(dir, pub);
        Path p = dir.resolve(name + ".rpm");
        Files.copy(RpmFixtures.build(dir, name.replace("-", ""), 5000), p);
        Proc.run(List.of("rpmsign", "--addsign", "--define", "_gpg_name " + fpr, "--define", "_gpg_path " + gpg.dir(),
                "--define", "__gpg /usr/bin/gpg", "--define", "_gpg_digest_algo " + digest, p.toString())).ok();
        return new Variant(name, p, pub, gdb);
    }

    private static int indexOffset(int tag) {
        ByteBuffer b = ByteBuffer.wrap(baseBytes);
        int il = b.getInt(96 + 8);
        for (int i = 0; i < il; i++) {
            int p = 96 + 16 + i * 16;
            if (b.getInt(p) == tag) {
                return p;
            }
        }
        throw new AssertionError("tag " + tag + " not in the signature header");
    }

    private static int dataOffset(int tag) {
        ByteBuffer b = ByteBuffer.wrap(baseBytes);
        int il = b.getInt(96 + 8);
        return 96 + 16 + il * 16 + b.getInt(indexOffset(tag) + 8);
    }

    private static int count(int tag) {
        return ByteBuffer.wrap(baseBytes).getInt(indexOffset(tag) + 12);
    }

    private static byte[] bytes(int tag) {
        return pkg.signature().get(tag).orElseThrow().bytes();
    }

}
