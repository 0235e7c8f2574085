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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** `rpm-release package`: one RPM from files on disk (declared without annotations, CommandModel, for its start-up). */
final class PackageCommand extends CliCommand {
    private OptionSpec name;
    private OptionSpec version;
    private OptionSpec release;
    private OptionSpec tag;
    private OptionSpec arch;
    private OptionSpec files;
    private OptionSpec requires;
    private OptionSpec compression;
    private OptionSpec workers;
    private OptionSpec summary;
    private OptionSpec description;
    private OptionSpec license;
    private OptionSpec url;
    private OptionSpec vendor;
    private OptionSpec packager;
    private OptionSpec out;
    private OptionSpec json;
    private final PackageKeyOptions key = new PackageKeyOptions();

    PackageCommand() {
    }

    /** With an explicit environment (SOURCE_DATE_EPOCH, passphrase variables) instead of the process's. */
    PackageCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    CommandSpec model() {
        CommandSpec s = CommandModel.commandWithHelp(this, "package",
                new String[] {"Write one RPM from files on disk (no rpmbuild needed).", "", "Example:",
                    "  rpm-release package --name avalanchego --tag v1.14.1 --arch x86_64 \\",
                    "    --file build/avalanchego:/var/opt/avalanchego/bin/avalanchego:0755 \\",
                    "    --requires 'glibc >= 2.34' --out dist/ \\",
                    "    [--key release.asc --passphrase-env RPM_KEY_PASS]"}, new String[0]);
        name = CommandModel.add(s, text("<name>", "Package name.", "--name").required(true));
        version = CommandModel.add(s, text("<version>", "RPM Version (or use --tag).", "--version"));
        release = CommandModel.add(s, text("<release>", "RPM Release (default 1).", "--release"));
        tag = CommandModel.add(s, text("<tag>", "Git tag vX.Y.Z[-pre]: sets Version/Release and the file name.",
                "--tag"));
        arch = CommandModel.add(s, text("<arch>", "x86_64|amd64|aarch64|arm64|noarch.", "--arch").required(true));
        files = CommandModel.add(s, CommandModel.repeatable("SRC:DEST[:MODE]",
                "A file to package (repeatable); MODE in octal.", "--file").required(true));
        requires = CommandModel.add(s, CommandModel.repeatable("EXPR",
                "A requirement such as 'glibc >= 2.34' (repeatable).", "--requires"));
        compression = CommandModel.add(s, text("<compression>", "zstd[:1-19], xz[:0-9], gzip[:1-9] or none (default"
                + " ${DEFAULT-VALUE}); xz:8 and xz:9 need a Java heap of about 0.8 and 1.4 GB and are refused under"
                + " the launcher's 512 MB.", "--compression").defaultValue("zstd:19"));
        workers = CommandModel.add(s, CommandModel.option(Integer.class, "<workers>",
                "zstd worker threads (default: cores, at most 4).", "--workers"));
        summary = CommandModel.add(s, text("<summary>", "One-line summary.", "--summary"));
        description = CommandModel.add(s, text("<description>", "Longer description.", "--description"));
        license = CommandModel.add(s, text("<license>", "License (default ${DEFAULT-VALUE}).", "--license")
                .defaultValue("BSD-3-Clause"));
        url = CommandModel.add(s, text("<url>", "Project URL (http, https or ftp; rpmlint's rule).", "--url")
                .defaultValue(""));
        vendor = CommandModel.add(s, text("<vendor>", "Vendor.", "--vendor").defaultValue(""));
        packager = CommandModel.add(s, text("<packager>", "Packager.", "--packager").defaultValue(""));
        out = CommandModel.add(s, CommandModel.option(Path.class, "<out>", "Output directory.", "--out")
                .required(true));
        json = CommandModel.add(s, CommandModel.flag("Print the result as JSON.", "--json"));
        key.declare(s);
        spec = s;
        return s;
    }

    private static OptionSpec.Builder text(String label, String description, String name) {
        return CommandModel.option(String.class, label, description, name);
    }

    @Override
    public Integer call() throws Exception {
        Profile.mark("command line parsed");
        String tag = this.tag.getValue();
        String version = this.version.getValue();
        String release = this.release.getValue();
        Path out = this.out.getValue();
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
                Arch a = Arch.parse(arch.getValue());
                String ver = version;
                String rel = release == null ? "1" : release;
                ReleaseTag t = tag == null ? null : ReleaseTag.parse(tag);
                if (t != null) {
                    // a respin of a tag (--release N): its own file name, <name>-<tag>_<N>-<arch>.rpm
                    t = release == null ? t : t.withRelease(release);
                    ver = t.version();
                    rel = t.release();
                }
                Compression c = Compression.parse(compression.getValue());
                Integer workers = this.workers.getValue();
                if (workers != null) {
                    c = c.withWorkers(workers);
                }
                c.checkMemory(Runtime.getRuntime().maxMemory());
                String name = this.name.getValue();
                PackageSpec.Builder b = PackageSpec.builder().name(name).version(ver).release(rel).arch(a).compression(c)
                        .license(license.getValue()).url(url.getValue()).vendor(vendor.getValue())
                        .packager(packager.getValue()).summary(summary.getValue())
                        .description(description.getValue()).buildTime(SourceDate.epochSeconds(environment()));
                for (String f : CommandModel.values(files)) {
                    FileEntry e = FileEntry.parse(f);
                    io.avalanche.rpm.PathNames.requireFile("--file " + f + ": " + e.source(), e.source());
                    total += Files.size(e.source());
                    b.file(e);
                }
                for (String r : CommandModel.values(requires)) {
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
            return write(ps, out, fileName, total, pending);
        } finally {
            if (pending != null) {
                pending.close();   // ends a token session: the next run logs in again
            }
        }
    }

    private Integer write(PackageSpec ps, Path out, String fileName, long total, PendingKey pending)
            throws java.io.IOException {
        boolean json = CommandModel.isSet(this.json);
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
