package io.avalanche.rpm.verify;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.elf.ElfInspector;
import io.avalanche.rpm.format.PayloadFiles;
import io.avalanche.rpm.format.RpmPackage;
import io.avalanche.rpm.format.RpmReader;
import io.avalanche.rpm.format.SigTag;
import io.avalanche.rpm.pgp.KeyPolicy;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import io.avalanche.rpm.format.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** What `inspect` shows of a package: identity, files, relations, payload and signature facts. */
public record PackageDescription(String name, String evr, String arch, String summary, String license,
                                 long buildTime, List<FileInfo> files, List<String> requires, List<String> provides,
                                 String payloadCompressor, String payloadFlags, long payloadBytes,
                                 long archiveSize, String payloadDigest, boolean signed, int reservedSpace,
                                 SignatureInfo signature, List<ElfFact> elf) {

    /** The header signature's packet facts (not verified here: use PackageVerifier for that). */
    public record SignatureInfo(String keyId, String algorithm, String hash, String created) {
    }

    /** ELF facts of one executable file of the payload. */
    public record ElfFact(String path, String machine, String interpreter, String maxGlibc) {
    }

    /** One file of the package as recorded in the header. */
    public record FileInfo(String path, String mode, long size, String user, String group, String sha256) {
    }

    /** Describes a package file: header data, signature packet facts and ELF facts of its executables. */
    public static PackageDescription read(Path rpm) {
        io.avalanche.rpm.PathNames.requirePackageFile(rpm);   // a FIFO would block the read for ever
        try (SeekableByteChannel ch = Files.newByteChannel(rpm, StandardOpenOption.READ)) {
            RpmPackage p = RpmReader.read(ch, rpm.toString());
            List<ElfFact> elf = new ArrayList<>();
            Path scratch = Files.createTempDirectory("rpm-release-inspect-");
            try {
                PayloadFiles.forEach(p, ch, (path, mode, size, content) -> {
                    if ((mode & 0111) != 0) {
                        ElfInspector.inspect(content, rpm.getFileName() + ":" + path, scratch).ifPresent(e ->
                                elf.add(new ElfFact(path, e.machineName(), e.interpreter().orElse(null),
                                        e.maxGlibc().map(v -> "GLIBC_" + v).orElse(null))));
                    }
                });
            } finally {
                Files.deleteIfExists(scratch);
            }
            PackageDescription d = of(p);
            return new PackageDescription(d.name, d.evr, d.arch, d.summary, d.license, d.buildTime, d.files,
                    d.requires, d.provides, d.payloadCompressor, d.payloadFlags, d.payloadBytes, d.archiveSize,
                    d.payloadDigest, d.signed, d.reservedSpace, d.signature, List.copyOf(elf));
        } catch (IOException e) {
            throw new UncheckedIOException(rpm + ": cannot read: " + IoErrors.why(e), e);
        }
    }

    /** Describes a parsed package (header data only; no payload is read). */
    public static PackageDescription of(RpmPackage p) {
        var h = p.header();
        String[] dirs = h.strings(Tag.DIRNAMES);
        long[] idx = h.numbers(Tag.DIRINDEXES);
        String[] base = h.strings(Tag.BASENAMES);
        long[] modes = h.numbers(Tag.FILEMODES);
        long[] sizes = h.numbers(Tag.FILESIZES);
        long[] longSizes = h.numbers(Tag.LONGFILESIZES);
        String[] digests = h.strings(Tag.FILEDIGESTS);
        String[] users = h.strings(Tag.FILEUSERNAME);
        String[] groups = h.strings(Tag.FILEGROUPNAME);
        List<FileInfo> files = new ArrayList<>();
        for (int i = 0; i < base.length; i++) {
            int d = i < idx.length ? (int) idx[i] : -1;
            String dir = d >= 0 && d < dirs.length ? dirs[d] : "?/";
            files.add(new FileInfo(dir + base[i], i < modes.length ? String.format("%06o", modes[i]) : "?",
                    i < sizes.length ? sizes[i] : i < longSizes.length ? longSizes[i] : -1,
                    i < users.length ? users[i] : "?", i < groups.length ? groups[i] : "?",
                    i < digests.length ? digests[i] : ""));
        }
        long[] archive = p.signature().numbers(SigTag.PAYLOADSIZE.id());
        if (archive.length == 0) {
            archive = p.signature().numbers(SigTag.LONGARCHIVESIZE.id());
        }
        String[] pd = h.strings(Tag.PAYLOADDIGEST);
        boolean signed = p.signature().has(SigTag.RSAHEADER.id()) || p.signature().has(SigTag.PGP.id());
        int reserved = p.signature().get(SigTag.RESERVEDSPACE).map(e -> e.count()).orElse(0);
        long[] bt = h.numbers(Tag.BUILDTIME);
        return new PackageDescription(p.packageName(), p.evr(), p.arch(), h.string(Tag.SUMMARY),
                h.string(Tag.LICENSE), bt.length > 0 ? bt[0] : 0, files,
                relations(h.strings(Tag.REQUIRENAME), h.numbers(Tag.REQUIREFLAGS), h.strings(Tag.REQUIREVERSION)),
                relations(h.strings(Tag.PROVIDENAME), h.numbers(Tag.PROVIDEFLAGS), h.strings(Tag.PROVIDEVERSION)),
                p.payloadCompressor(), h.string(Tag.PAYLOADFLAGS), p.payloadLength(),
                archive.length > 0 ? archive[0] : -1, pd.length > 0 ? pd[0] : null, signed, reserved,
                p.signature().get(SigTag.RSAHEADER).map(e -> signatureInfo(e.bytes())).orElse(null), List.of());
    }

    private static SignatureInfo signatureInfo(byte[] packet) {
        try {
            Object o = new PGPObjectFactory(packet, new BcKeyFingerprintCalculator()).nextObject();
            if (o instanceof PGPSignatureList list && !list.isEmpty()) {
                PGPSignature sig = list.get(0);
                return new SignatureInfo(KeyPolicy.keyIdHex(sig.getKeyID()), KeyPolicy.algorithmName(
                        sig.getKeyAlgorithm()), KeyPolicy.hashName(sig.getHashAlgorithm()),
                        sig.getCreationTime().toInstant().toString());
            }
        } catch (IOException | RuntimeException e) {
            return new SignatureInfo(null, "unreadable signature packet", null, null);
        }
        return new SignatureInfo(null, "not an OpenPGP signature", null, null);
    }

    private static List<String> relations(String[] names, long[] flags, String[] versions) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            long f = i < flags.length ? flags[i] : 0;
            String v = i < versions.length ? versions[i] : "";
            String op = ((f & 2) != 0 ? "<" : "") + ((f & 4) != 0 ? ">" : "") + ((f & 8) != 0 ? "=" : "");
            r.add(v.isEmpty() ? names[i] : names[i] + " " + op + " " + v);
        }
        return r;
    }
}
