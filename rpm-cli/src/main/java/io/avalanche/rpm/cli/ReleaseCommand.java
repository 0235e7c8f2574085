package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.release.KeySource;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.release.ReleasePipeline;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ValidationOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `rpm-release release`: build → sign → publish → validate in one run. */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = {"Build both RPMs from source for each --arch, sign them with one key,",
            "validate them from the release directory, publish them (a signed yum",
            "repository per arch) only if that passed, then validate them again from",
            "where they were published.",
            "Release mode (--tag) needs --key, or --ephemeral explicitly (refused for",
            "s3:// destinations). PR mode (--pr SHA, the checked-out commit): tag",
            "v0.0.0-pr.<sha>, ephemeral key, nothing published.",
            "Refused before any build work (exit 2): a tree without scripts/build.sh or",
            "graft/subnet-evm (upstream v1.14.1-rc.0 and later have it), a dirty tree",
            "(--allow-dirty overrides), a tag that is missing or does not point at the",
            "checked-out commit (--allow-tag-mismatch overrides). Overrides are printed",
            "as WARNING and kept in release.json.",
            "Tags map to versions as nfpm maps them: v1.14.1 -> 1.14.1-1,",
            "v1.15.0-fuji-rc.4 -> 1.15.0~fuji_rc.4-1.",
            "--out keeps its other files: only this run's RPMs, key and release.json",
            "are replaced.", "",
            "Examples:",
            "  rpm-release release --tag v1.14.1 --source ~/avalanchego --key release.asc \\",
            "    --passphrase-env RPM_KEY_PASS --to s3://my-bucket",
            "  rpm-release release --tag v1.14.1 --source ./src --ephemeral \\",
            "    --to file:/tmp/bucket --local",
            "  rpm-release release --tag v1.14.1 --source ./src --ephemeral \\",
            "    --arch x86_64 --arch aarch64 --local",
            "  rpm-release release --tag v1.14.1 --source ~/avalanchego \\",
            "    --key release.asc --to s3://b --dry-run",
            "  rpm-release release --pr 4f2a9c1 --source ./src --local"})
final class ReleaseCommand implements Callable<Integer> {
    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--tag", description = "Release tag vX.Y.Z[-pre].")
        String tag;

        @Option(names = "--pr", paramLabel = "SHA", description = "Pull-request smoke build of this commit.")
        String pr;
    }

    @Option(names = "--source", required = true, description = "The source tree (a git checkout).")
    Path source;

    @Option(names = "--arch", description = "Target arch, repeatable: x86_64, aarch64 (default: this machine's). "
            + "A foreign arch is cross-compiled (GOOS/GOARCH/CGO_ENABLED/CC).")
    List<String> arch;

    @Option(names = "--dry-run", description = "Read the tree and print the plan; build, sign, publish and validate "
            + "nothing. Refuses what a real run refuses, with the same exit code.")
    boolean dryRun;

    @Mixin
    SourceCheckOptions sourceChecks = new SourceCheckOptions();

    @Option(names = "--to", description = "s3://BUCKET[/prefix] or file:DIR (default: publish nothing).")
    String to;

    @Option(names = "--key", description = "ASCII-armored secret signing key.")
    Path key;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Environment variable holding the key's passphrase.")
    String passphraseEnv;

    @Option(names = "--ephemeral", description = "Sign with a fresh one-day key (local trials; never s3://).")
    boolean ephemeral;

    @picocli.CommandLine.Mixin
    Pkcs11Options pkcs11 = new Pkcs11Options();

    @Option(names = "--image", description = "Validate in a container of this image (default ${DEFAULT-VALUE}); "
            + "{arch} in the name becomes each arch's docker name (amd64, arm64) for images that are not multi-arch.",
            defaultValue = ValidationOptions.DEFAULT_IMAGE)
    String image;

    @Option(names = "--local", description = "Validate in a scratch rpm --root on this machine instead of a container.")
    boolean local;

    @Option(names = "--build-image", description = "Run the build scripts in a container of this image.")
    String buildImage;

    @Option(names = "--glibc", defaultValue = ValidationOptions.DEFAULT_GLIBC,
            description = "Target glibc for the ELF gate (default ${DEFAULT-VALUE}).")
    String glibc;

    @Option(names = "--compression", description = "Payload compression (default zstd:19; with --pr zstd:3:"
            + " docs/performance.md).")
    String compression;

    @Option(names = "--out", defaultValue = "rpm-release-out", description = "Release directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--junit", description = "JUnit XML report (default: OUT/validation-junit.xml).")
    Path junit;

    @Option(names = "--endpoint", description = "S3 endpoint URL (overrides AWS_ENDPOINT_URL).")
    String endpoint;

    @Option(names = "--region", description = "S3 region (overrides AWS_REGION).")
    String region;

    @Option(names = "--force", description = "Replace published objects whose bytes differ.")
    boolean force;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    ReleaseCommand() {
        this(System.getenv());
    }

    /** With an explicit environment (AWS settings, passphrase variables) instead of the process's. */
    ReleaseCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() {
        boolean pr = mode.pr != null;
        ReleaseTag t = pr ? ReleaseTag.forPullRequest(mode.pr) : ReleaseTag.parse(mode.tag);
        if (key != null && ephemeral) {
            throw new SpecException("give either --key FILE or --ephemeral, not both");
        }
        if (passphraseEnv != null && key == null) {
            throw new SpecException("--passphrase-env applies only to --key");
        }
        KeySource tokenKey = pkcs11.keySource(key != null ? "--key" : ephemeral ? "--ephemeral" : pr ? "--pr" : null,
                environment::get, System.in);
        KeySource ks = tokenKey != null ? tokenKey : key != null ? new KeySource.KeyFile(key, Passphrases.fromEnv(passphraseEnv, environment::get))
                : ephemeral || pr ? new KeySource.Ephemeral() : null;
        List<Arch> arches = arch == null || arch.isEmpty() ? List.of(Arch.host())
                : arch.stream().map(ReleaseCommand::releaseArch).distinct().toList();
        ValidationOptions.Install install = local ? new ValidationOptions.Local()
                : new ValidationOptions.Container(image, ContainerTarget.Engine.dockerCli());
        Path outDir = out.toAbsolutePath();
        Path junitFile = junit != null ? junit.toAbsolutePath() : outDir.resolve("validation-junit.xml");
        ReleasePipeline.Request req = new ReleasePipeline.Request(t, pr, source.toAbsolutePath(), arches, buildImage,
                outDir, to, ks, s3Settings(), install, glibc, junitFile,
                compression == null ? Compression.forRelease(pr) : Compression.parse(compression), force,
                sourceChecks.checks());
        PrintWriter err = spec.commandLine().getErr();
        if (dryRun) {
            ReleasePipeline.Plan plan = ReleasePipeline.dryRun(req);
            PrintWriter o = spec.commandLine().getOut();
            plan.lines().forEach(o::println);
            o.flush();
            return Main.OK;
        }
        ReleasePipeline.Result r = ReleasePipeline.run(req, line -> {
            err.println(line);
            err.flush();
        }, Progress.reporter(err));
        PrintWriter o = spec.commandLine().getOut();
        Map<String, Object> result = new LinkedHashMap<>(r.toMap());
        result.put("publishedTo", to);
        result.put("junit", junitFile.toString());
        if (json) {
            o.println(Output.toJson(result));
        } else {
            String archList = String.join(", ", arches.stream().map(Arch::rpm).toList());
            o.println((r.passed() ? "RELEASE OK: " : "RELEASE FAILED VALIDATION: ") + t.tag() + " (" + archList
                    + ", commit " + r.manifest().commit() + ")");
            if (r.manifest().overrides() != null) {
                r.manifest().overrides().forEach(x -> o.println("  WARNING:     " + x));
            }
            o.println("  RPMs:        " + r.releaseDir());
            r.manifest().files().forEach(f -> o.println("               " + f.name() + "  sha256 " + f.sha256()));
            o.println("  public key:  " + r.publicKey());
            if (r.published() != null) {
                o.println("  published:   " + to + "  (yum repo metadata: " + String.join(", ", arches.stream()
                        .map(x -> Layout.repodata(Layout.SEED.archDir(x.rpm()))).toList()) + ")");
                o.println("  repo file:   " + r.published().repoFileUrl());
            } else {
                o.println("  published:   nothing (" + (pr ? "pull-request build" : to == null ? "no --to given"
                        : "validation from the release directory failed; nothing was uploaded") + ")");
            }
            for (ReleasePipeline.Validation v : r.validations()) {
                o.println("  validated:   " + v.arch().rpm() + " from " + v.from() + ": "
                        + (v.report().passed() ? "passed" : "FAILED")
                        + (local ? " (local rpm --root)" : " (container " + image + ")"));
            }
            o.println("  JUnit:       " + junitFile);
        }
        o.flush();
        return r.passed() ? Main.OK : Main.CHECK_FAILED;
    }

    private static Arch releaseArch(String a) {
        Arch x = Arch.parse(a);
        if (x == Arch.NOARCH) {
            throw new SpecException("--arch noarch is not a release arch; use x86_64 or aarch64");
        }
        return x;
    }

    private S3Settings s3Settings() {
        return S3Settings.fromEnvironment(environment).withEndpoint(endpoint).withRegion(region);
    }
}
