package io.avalanche.rpm.verify;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.Futures;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.format.CheckStatus;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.Lead;
import io.avalanche.rpm.format.PackageDigests;
import io.avalanche.rpm.format.RpmFormatException;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.pgp.TrustedKeys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies one RPM in Java as RHEL 9 would: header digests, payload digest (streamed), and every signature the
 * package carries: the header signature (268), any DSA-slot header signature (267, refused by policy) and any
 * legacy header+payload signature (1002 verified, 1005 refused), against trusted keys.
 */
public final class PackageVerifier {
    private final CompletableFuture<TrustedKeys> keys;
    private final Clock clock;

    public PackageVerifier(TrustedKeys keys) {
        this(keys, Clock.systemUTC());
    }

    public PackageVerifier(TrustedKeys keys, Clock clock) {
        this(CompletableFuture.completedFuture(keys), clock);
    }

    private PackageVerifier(CompletableFuture<TrustedKeys> keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A verifier whose keys load from {@code keyFile} on a thread of their own while the first package's payload is
     * read, and which checks that package's header signature on that thread once they are in (verify's start-up). A
     * key file that cannot be loaded fails the first {@link #verify} that needs its keys, or {@link #keys()}, with the
     * error {@link TrustedKeys#load(Path)} gives.
     */
    public static PackageVerifier loading(Path keyFile) {
        return new PackageVerifier(CompletableFuture.supplyAsync(() -> {
            TrustedKeys k = TrustedKeys.load(keyFile);
            io.avalanche.rpm.Profile.mark("key loaded");
            return k;
        }, Futures.daemons("load-key")), Clock.systemUTC());
    }

    /** The trusted keys, waiting for them if they are still loading. */
    public TrustedKeys keys() {
        return await(keys);
    }

    /**
     * Checks every package in order, then makes sure of the keys: a key file that cannot be loaded is an error even
     * when no package got as far as needing its keys (every one unreadable).
     */
    public List<VerifyReport> verifyAll(List<Path> files) {
        List<VerifyReport> reports = new ArrayList<>();
        for (Path p : files) {
            reports.add(verify(p));
            io.avalanche.rpm.Profile.mark("verified " + p.getFileName());
        }
        keys();
        return reports;
    }

    /** The value of {@code f} ({@link Futures#join}), a key file's format error thrown as a plain RpmException. */
    private static <T> T await(CompletableFuture<T> f) {
        try {
            return Futures.join(f);
        } catch (RpmFormatException e) {
            throw new RpmException(e.getMessage(), e);   // a verdict on the key file, never on a package
        }
    }

    /** The digest checks of a package that fail, signatures aside (see {@link PackageDigests#failures}). */
    public static List<CheckResult> digestFailures(Path file) {
        return PackageDigests.failures(file);
    }

    /** Receives every byte of the file, in order, from the read pass of {@link #verify(Path, FileTee)}. */
    @FunctionalInterface
    public interface FileTee extends PackageDigests.Sink {
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
                sigBlob = PackageDigests.readAt(ch, Lead.SIZE, pkg.signatureLength());
            } catch (RpmException e) {
                return new VerifyReport(name, List.of(PackageDigests.unreadable(e)));
            }
            if (tee != null && !teeHeaders(ch, pkg, sigBlob, tee)) {
                return new VerifyReport(name, List.of(CheckResult.of("format", CheckStatus.BAD,
                        "the headers changed while the package was read; do not modify it while it is checked")));
            }
            return new VerifyReport(name, checks(ch, pkg, sigBlob, tee));
        } catch (RpmFormatException e) {
            return new VerifyReport(name, List.of(PackageDigests.unreadable(e)));
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException | ClassCastException e) {
            // the last line of defence: one damaged file gets a verdict and never aborts the others
            return new VerifyReport(name, List.of(CheckResult.of("format", CheckStatus.BAD, name + ": cannot be read ("
                    + e.getClass().getSimpleName() + "); the package is damaged or crafted")));
        } catch (IOException e) {
            throw new RpmException(name + ": cannot read the package: " + IoErrors.why(e), e);
        }
    }

    /** Hands the bytes before the payload to the tee, after checking they are the ones parsed. */
    private static boolean teeHeaders(FileChannel ch, RpmPackage pkg, byte[] sigBlob, FileTee tee) throws IOException {
        byte[] head = PackageDigests.readAt(ch, 0, (int) pkg.payloadOffset());
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
        Header sig = pkg.signature();
        byte[] hb = pkg.headerBytes();
        List<CheckResult> out = new ArrayList<>(PackageDigests.headerChecks(pkg, sigBlob));

        java.time.Instant now = clock.instant();
        boolean rsa = sig.has(SigTag.RSAHEADER.id());
        boolean dsa = sig.has(SigTag.DSAHEADER.id());
        int headerSignatureAt = out.size();
        // checked where the keys come in: here when they are, else on the key's thread while the payload is read
        CompletableFuture<CheckResult> headerSignature = !rsa ? null : keys.thenApply(k -> headerSignature(sig, hb, k,
                now));
        if (!rsa && !dsa) {
            out.add(CheckResult.of("header-signature", CheckStatus.MISSING, "no RSA header signature (tag 268)"));
        }
        if (dsa) {
            // rpm verifies every signature present (lib/rpmvs.c), so a second one counts even next to a good 268
            out.add(CheckResult.of(rsa ? "header-signature-267" : "header-signature", CheckStatus.BAD,
                    SignaturePacketCheck.algorithmOf(bytes(sig, SigTag.DSAHEADER.id())) + " header signature (tag 267)"
                    + (rsa ? " next to the RSA one" : "") + " is not accepted: rpm checks every signature a package"
                    + " carries, and RHEL 9 policy here takes RSA signatures in tag 268 only; re-sign the package with"
                    + " an RSA key only (rpmsign --delsign first)"));
        }

        List<SignaturePacketCheck> legacy = new ArrayList<>();
        if (sig.has(SigTag.GPG.id())) {
            out.add(CheckResult.of("legacy-signature-1005", CheckStatus.BAD, "legacy "
                    + SignaturePacketCheck.algorithmOf(bytes(sig, SigTag.GPG.id())) + " signature (tag 1005) is not"
                    + " accepted; re-sign the package with an RSA key"));
        }
        for (SigTag t : List.of(SigTag.PGP)) {
            if (sig.has(t.id())) {   // hashes the payload as it streams: needs the keys before it
                SignaturePacketCheck c = SignaturePacketCheck.start("legacy-signature-" + t.id(), bytes(sig, t.id()),
                        await(keys), now);
                c.update(hb, 0, hb.length);
                legacy.add(c);
            }
        }
        PackageDigests.Payload payload = PackageDigests.payload(pkg);
        List<PackageDigests.Sink> sinks = new ArrayList<>();
        sinks.add(payload);
        sinks.addAll(legacy);
        if (tee != null) {
            sinks.add(tee);
        }
        PackageDigests.streamPayload(ch, pkg.payloadOffset(), sinks);
        if (rsa) {
            out.add(headerSignatureAt, await(headerSignature));
        }
        out.addAll(payload.results());
        for (SignaturePacketCheck c : legacy) {
            out.add(c.finish());
        }
        return out;
    }

    private static CheckResult headerSignature(Header sig, byte[] hb, TrustedKeys keys, java.time.Instant now) {
        SignaturePacketCheck hs = SignaturePacketCheck.start("header-signature", bytes(sig, SigTag.RSAHEADER.id()), keys,
                now);
        hs.update(hb, 0, hb.length);
        return hs.finish();
    }

    private static byte[] bytes(Header h, int tag) {
        return PackageDigests.bytes(h, tag);
    }
}
