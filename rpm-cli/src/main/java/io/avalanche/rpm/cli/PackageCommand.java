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
import io.avalanche.rpm.release.KeySource;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.Digests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `rpm-release package`: one RPM from files on disk. */
@Command(name = "package",
        description = {"Write one RPM from files on disk (no rpmbuild needed).", "",
            "Example:",
            "  rpm-release package --name avalanchego --tag v1.14.1 --arch x86_64 \\",
            "    --file build/avalanchego:/var/opt/avalanchego/bin/avalanchego:0755 \\",
            "    --requires 'glibc >= 2.34' --out dist/ [--key release.asc --passphrase-env RPM_KEY_PASS]"})
final class PackageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

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

    @Option(names = "--url", defaultValue = "", description = "Project URL.")
    String url;

    @Option(names = "--vendor", defaultValue = "", description = "Vendor.")
    String vendor;

    @Option(names = "--packager", defaultValue = "", description = "Packager.")
    String packager;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--key", paramLabel = "FILE",
            description = "Sign the package in the same run with this armored secret key (header-only, in place).")
    Path key;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @Option(names = "--ephemeral", description = "Sign with a fresh one-day key (exported next to the package).")
    boolean ephemeral;

    @picocli.CommandLine.Mixin
    Pkcs11Options pkcs11 = new Pkcs11Options();

    private final Map<String, String> environment;

    PackageCommand() {
        this(System.getenv());
    }

    /** With an explicit environment (SOURCE_DATE_EPOCH, passphrase variables) instead of the process's. */
    PackageCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() throws Exception {
        Profile.mark("command line parsed");
        if (key != null && ephemeral) {
            throw new SpecException("give either --key FILE or --ephemeral, not both");
        }
        if (passphraseEnv != null && key == null) {
            throw new SpecException("--passphrase-env applies only to --key");
        }
        if ((tag == null) == (version == null)) {
            throw new SpecException("give exactly one of --tag vX.Y.Z or --version V");
        }
        KeySource tokenKey = pkcs11.keySource(key != null ? "--key" : ephemeral ? "--ephemeral" : null,
                environment::get, System.in);
        if (key != null && !Files.isRegularFile(key)) {
            throw new SpecException("--key " + key + ": no such file");
        }
        // A key file is parsed and unlocked on a second thread while the payload is compressed, and joined when
        // the header is ready to sign: its failure (wrong passphrase) removes what was written, --out is left as it
        // was. A token is logged in to before anything is written, once the command line is known to be good
        // (failed logins count against the PIN).
        PendingKey pending = key != null || ephemeral ? PendingKey.start(this::openKeyFile) : null;
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
                        .description(description).buildTime(SourceDate.epochSeconds(environment));
                for (String f : files) {
                    FileEntry e = FileEntry.parse(f);
                    if (!Files.isRegularFile(e.source())) {
                        throw new SpecException("--file " + f + ": " + e.source() + " is not a readable regular file");
                    }
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
            if (tokenKey != null) {
                pending = PendingKey.of(tokenKey.open());   // a wrong PIN fails before writing
            }
            Profile.mark("package described");
            return write(ps, fileName, total, pending);
        } finally {
            if (pending != null) {
                pending.close();   // ends a token session: the next run logs in again
            }
        }
    }

    /** The signing key of --key or --ephemeral, open and unlocked. */
    private SigningKey openKeyFile() {
        if (key != null) {
            SigningKey k = new KeySource.KeyFile(key, Passphrases.fromEnv(passphraseEnv, environment::get)).open();
            Profile.mark("key parsed and unlocked");
            return k;
        }
        return new KeySource.Ephemeral().open();
    }

    /** A signing key being opened on its own thread; {@link #get} waits for it, {@link #close} closes it. */
    private static final class PendingKey implements AutoCloseable {
        private final java.util.concurrent.FutureTask<SigningKey> task;

        private PendingKey(java.util.concurrent.FutureTask<SigningKey> task) {
            this.task = task;
        }

        static PendingKey start(java.util.concurrent.Callable<SigningKey> open) {
            PendingKey p = new PendingKey(new java.util.concurrent.FutureTask<>(open));
            Thread t = new Thread(p.task, "open-key");
            t.setDaemon(true);
            t.start();
            return p;
        }

        static PendingKey of(SigningKey key) {
            PendingKey p = new PendingKey(new java.util.concurrent.FutureTask<>(() -> key));
            p.task.run();
            return p;
        }

        /** Rethrows the opening failure if the key has already failed to open; returns at once otherwise. */
        void failFast() {
            if (task.isDone()) {
                get();
            }
        }

        /** The open key; its opening failure is rethrown as it was thrown. */
        SigningKey get() {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while opening the signing key", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            try {
                SigningKey k = task.get();
                if (k != null) {
                    k.close();
                }
            } catch (Exception ignored) {
                // a failure to open was reported by get(), or the command failed before it was needed
            }
        }
    }

    private Integer write(PackageSpec ps, String fileName, long total, PendingKey pending) throws java.io.IOException {
        RpmWriter.SignatureFiller filler = pending == null ? null
                : (unsigned, main, sha, length) -> RpmWriter.SignatureFiller.signingWith(pending.get().headerSigner())
                        .fill(unsigned, main, sha, length);
        boolean outExisted = Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Path written;
        try (Progress p = Progress.open(spec.commandLine().getErr(), "compress " + fileName, total)) {
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
        Output.print(spec.commandLine().getOut(), json, result, "wrote " + written + " (" + Files.size(written)
                + " bytes" + (result.containsKey("keyId") ? ", signed with key " + result.get("keyId") : "") + ")");
        return Main.OK;
    }

    private static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (java.io.IOException ignored) {
            // not empty, or not ours to remove: leave it
        }
    }
}
