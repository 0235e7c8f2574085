package io.avalanche.rpm.cli;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.Profile;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.Dependency;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.write.SourceDate;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.release.OutputDir;
import io.avalanche.rpm.sign.KeyChoice;
import io.avalanche.rpm.sign.KeyPurpose;
import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.sign.PendingKey;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.Digests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** `rpm-release package`: one RPM from files on disk. */
@Command(name = "package",
        description = {"Write one RPM from files on disk (no rpmbuild needed).", "",
            "Example:",
            "  rpm-release package --name avalanchego --tag v1.14.1 --arch x86_64 \\",
            "    --file build/avalanchego:/var/opt/avalanchego/bin/avalanchego:0755 \\",
            "    --requires 'glibc >= 2.34' --out dist/ \\",
            "    [--key release.asc --passphrase-env RPM_KEY_PASS]"})
final class PackageCommand extends CliCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--name", required = true, description = "Package name.")
    String name;

    @Option(names = "--version", description = "RPM Version (or use --tag).")
    String version;

    @Option(names = "--release", description = "RPM Release (default 1).")
    String release;

    @Option(names = "--tag", description = "Git tag vX.Y.Z[-pre]: sets Version/Release and the file name.")
    String tag;

    @Option(names = "--arch", required = true, description = "x86_64|amd64|aarch64|arm64|noarch.")
    String arch;

    @Option(names = "--file", required = true, paramLabel = "SRC:DEST[:MODE]",
            description = "A file to package (repeatable); MODE in octal.")
    List<String> files = new ArrayList<>();

    @Option(names = "--requires", paramLabel = "EXPR", description = "A requirement such as 'glibc >= 2.34' (repeatable).")
    List<String> requires = new ArrayList<>();

    @Option(names = "--compression", defaultValue = "zstd:19",
            description = "zstd[:1-19], xz[:0-9], gzip[:1-9] or none (default ${DEFAULT-VALUE}); xz:8 and xz:9"
                    + " need a Java heap of about 0.8 and 1.4 GB and are refused under the launcher's 512 MB.")
    String compression;

    @Option(names = "--workers", description = "zstd worker threads (default: cores, at most 4).")
    Integer workers;

    @Option(names = "--summary", description = "One-line summary.")
    String summary;

    @Option(names = "--description", description = "Longer description.")
    String description;

    @Option(names = "--license", defaultValue = "BSD-3-Clause", description = "License (default ${DEFAULT-VALUE}).")
    String license;

    @Option(names = "--url", defaultValue = "", description = "Project URL (http, https or ftp; rpmlint's rule).")
    String url;

    @Option(names = "--vendor", defaultValue = "", description = "Vendor.")
    String vendor;

    @Option(names = "--packager", defaultValue = "", description = "Packager.")
    String packager;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Mixin
    PackageKeyOptions key = new PackageKeyOptions();

    PackageCommand() {
    }

    /** With an explicit environment (SOURCE_DATE_EPOCH, passphrase variables) instead of the process's. */
    PackageCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    public Integer call() throws Exception {
        Profile.mark("command line parsed");
        if ((tag == null) == (version == null)) {
            throw new SpecException("give exactly one of --tag vX.Y.Z or --version V");
        }
        OutputDir.check(out);
        Optional<KeyChoice> choice = KeyChoice.of(key.request(environment()::get, stdin()), KeyPurpose.packaging());
        // A key file is parsed and unlocked (an ephemeral key generated) on a second thread while the payload is
        // compressed, and joined when the header is ready to sign: its failure (wrong passphrase) removes what was
        // written, --out is left as it was. A token is logged in to before anything is written, once the command
        // line is known to be good (failed logins count against the PIN).
        PendingKey pending = choice.orElse(null) instanceof KeySource source ? PendingKey.start(source) : null;
        try {
            PackageSpec ps;
            long total = 0;
            String fileName;
            try {
                Arch a = Arch.parse(arch);
                String ver = version;
                String rel = release == null ? "1" : release;
                ReleaseTag t = tag == null ? null : ReleaseTag.parse(tag);
                if (t != null) {
                    // a respin of a tag (--release N): its own file name, <name>-<tag>_<N>-<arch>.rpm
                    t = release == null ? t : t.withRelease(release);
                    ver = t.version();
                    rel = t.release();
                }
                Compression c = Compression.parse(compression);
                if (workers != null) {
                    c = c.withWorkers(workers);
                }
                c.checkMemory(Runtime.getRuntime().maxMemory());
                PackageSpec.Builder b = PackageSpec.builder().name(name).version(ver).release(rel).arch(a).compression(c)
                        .license(license).url(url).vendor(vendor).packager(packager).summary(summary)
                        .description(description).buildTime(SourceDate.epochSeconds(environment()));
                for (String f : files) {
                    FileEntry e = FileEntry.parse(f);
                    io.avalanche.rpm.PathNames.requireFile("--file " + f + ": " + e.source(), e.source());
                    total += Files.size(e.source());
                    b.file(e);
                }
                for (String r : requires) {
                    b.require(Dependency.parse(r));
                }
                ps = b.build();
                fileName = t != null ? t.fileName(name, a) : ps.rpmFileName();
            } catch (Exception | Error e) {
                if (pending != null) {
                    pending.close();
                }
                throw e;
            }
            if (pending != null) {
                pending.open();   // a token: a wrong PIN fails before writing
            }
            Profile.mark("package described");
            return write(ps, fileName, total, pending);
        } finally {
            if (pending != null) {
                pending.close();   // ends a token session: the next run logs in again
            }
        }
    }

    private Integer write(PackageSpec ps, String fileName, long total, PendingKey pending) throws java.io.IOException {
        RpmWriter.SignatureFiller filler = pending == null ? null
                : (unsigned, main, sha, length) -> RpmWriter.SignatureFiller.signingWith(pending.get().headerSigner())
                        .fill(unsigned, main, sha, length);
        boolean outExisted = Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Path written;
        try (Progress p = Progress.open(err(), "compress " + fileName, total)) {
            written = RpmWriter.write(ps, out, fileName, n -> {
                p.advance(n);
                if (pending != null) {
                    pending.failFast();   // a wrong passphrase stops the compression at once
                }
            }, filler);
        } catch (RuntimeException | Error e) {
            if (!outExisted) {
                removeIfEmpty(out);   // made for this package: a failed run leaves no trace
            }
            throw e;
        }
        SigningKey k = pending == null ? null : pending.get();
        Map<String, Object> result = new LinkedHashMap<>();
        if (k != null) {
            result.put("keyId", k.keyId());
            if (k.ephemeral()) {
                Path pub = k.exportPublicKey(written.resolveSibling(ReleaseManifest.KEY_FILE));
                result.put("publicKey", pub.toString());
            }
        }
        result.put("file", written.toString());
        result.put("size", Files.size(written));
        if (json) {   // a second read of the whole file: only when asked for
            result.put("sha256", Digests.hex(Digests.sha256(written)));
        }
        String text = "wrote " + written + " (" + Files.size(written) + " bytes"
                + (result.containsKey("keyId") ? ", signed with key " + result.get("keyId") : "") + ")";
        return print(json, () -> Output.toJson(result), () -> List.of(text), Main.OK);
    }

    private static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (java.io.IOException ignored) {
            // not empty, or not ours to remove: leave it
        }
    }
}
