package io.avalanche.rpm.cli;

import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.release.OutputDir;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.release.ReleasePipeline;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `rpm-release release`: build → sign → publish → validate in one run. */
@Command(name = "release", mixinStandardHelpOptions = true)   // usage text: help/release.properties
final class ReleaseCommand extends CliCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--tag", description = "Release tag vX.Y.Z[-pre].")
        String tag;

        @Option(names = "--pr", paramLabel = "SHA", description = "Pull-request smoke build of this commit.")
        String pr;
    }

    @Mixin
    SourceOptions source = new SourceOptions();

    @Option(names = "--arch", description = "Target arch, repeatable: x86_64, aarch64 (default: this machine's). "
            + "A foreign arch is cross-compiled (GOOS/GOARCH/CGO_ENABLED/CC).")
    List<String> arch;

    @Option(names = "--to", description = "s3://BUCKET[/prefix] or file:DIR (default: publish nothing).")
    String to;

    final PackageKeyOptions key = new PackageKeyOptions();

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

    @Mixin
    S3Options s3 = new S3Options();

    @Option(names = "--force", description = "Replace published objects whose bytes differ.")
    boolean force;

    @Mixin
    PlanOptions plan = new PlanOptions();

    @Option(names = "--with-service", description = "Also build, sign, publish and validate the avalanchego-service "
            + "package (systemd unit, user, config; noarch).")
    boolean withService;
    @Option(names = "--release", paramLabel = "N", description = "RPM Release (default 1): a respin of the same tag "
            + "as N (1.14.1-2), which dnf upgrades to from 1.14.1-1; published as <name>-<tag>_<N>-<arch>.rpm.")
    String release;

    @Option(names = "--layout", paramLabel = "seed|el9", defaultValue = "seed",
            description = "Where in --to: seed (linux/rpms/<arch>/, the default) or el9 (upstream's "
                    + "linux/rpms/rhel/el9/<arch>/, GPG-KEY-avalanchego).")
    String layout = "seed";

    ReleaseCommand() {
    }

    /** With an explicit environment (AWS settings, passphrase variables) instead of the process's. */
    ReleaseCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    void declare(CommandSpec s) {
        key.declare(s);
    }

    @Override
    public Integer call() {
        io.avalanche.rpm.Profile.mark("command line parsed");
        boolean pr = mode.pr != null;
        ReleaseTag t = tag(pr);
        Layout lay = Layout.named(layout);
        KeyRequest ks = key.request(environment()::get, stdin());
        List<Arch> arches = arch == null || arch.isEmpty() ? List.of(Arch.host())
                : arch.stream().map(ReleaseCommand::releaseArch).distinct().toList();
        ValidationOptions.Install install = local ? new ValidationOptions.Local()
                : new ValidationOptions.Container(image, ContainerTarget.Engine.dockerCli());
        OutputDir.checkNotEmpty(out);
        Path outDir = out.toAbsolutePath();
        Path junitFile = junit != null ? junit.toAbsolutePath() : outDir.resolve(ValidationReport.DEFAULT_JUNIT);
        ReleasePipeline.Request req = new ReleasePipeline.Request(t, pr, source.source.toAbsolutePath(), arches, buildImage,
                outDir, to, ks, s3.settings(environment(), "release"), install, glibc, junitFile,
                compression == null ? Compression.forRelease(pr) : Compression.parse(compression), force,
                source.checks()).withLayout(lay).withService(withService);
        if (plan.dryRun) {
            return print(ReleasePipeline.dryRun(req).lines(), Main.OK);
        }
        ReleasePipeline.Result r = ReleasePipeline.run(req, log(), Progress.reporter(err()));
        Map<String, Object> result = new LinkedHashMap<>(r.toMap());
        result.put("publishedTo", to);
        result.put("junit", junitFile.toString());
        return print(plan.json, () -> Output.toJson(result), () -> lines(r, t, arches, lay, junitFile),
                r.passed() ? Main.OK : Main.CHECK_FAILED);
    }

    /** The result as text: what was built, signed, published and validated, and where. */
    private List<String> lines(ReleasePipeline.Result r, ReleaseTag t, List<Arch> arches, Layout lay, Path junitFile) {
        List<String> o = new ArrayList<>();
        String archList = String.join(", ", arches.stream().map(Arch::rpm).toList());
        o.add((r.passed() ? "RELEASE OK: " : "RELEASE FAILED VALIDATION: ") + t.tag() + " (" + archList
                + ", commit " + r.manifest().commit() + ")");
        if (r.manifest().overrides() != null) {
            r.manifest().overrides().forEach(x -> o.add("  WARNING:     " + x));
        }
        o.add("  RPMs:        " + r.releaseDir() + (r.committed() ? "" : "  (NOT updated: it holds what it "
                + "held before this run" + (r.published() == null ? "" : "; the packages are at " + to) + ")"));
        r.manifest().files().forEach(f -> o.add("               " + f.name() + "  sha256 " + f.sha256()));
        o.add("  public key:  " + r.publicKey());
        if (r.published() != null) {
            io.avalanche.rpm.format.Channel channel = t.channel();
            o.add("  published:   " + to + "  (channel " + channel.id() + ", yum repo metadata: "
                    + String.join(", ", arches.stream().map(x -> Layout.repodata(lay.archDir(channel,
                    x.rpm()))).toList()) + ")");
            o.add("  repo file:   " + r.published().repoFileUrl());
        } else {
            o.add("  published:   nothing (" + (mode.pr != null ? "pull-request build" : to == null ? "no --to given"
                    : "validation from the release directory failed; nothing was uploaded") + ")");
        }
        for (ReleasePipeline.Validation v : r.validations()) {
            o.add("  validated:   " + v.arch().rpm() + " from " + v.from() + ": "
                    + (v.report().passed() ? "passed" : "FAILED")
                    + (local ? " (local rpm --root)" : " (container " + image + ")"));
        }
        o.add("  JUnit:       " + junitFile);
        return o;
    }

    /** The tag of --tag (with --release, a respin's) or of --pr. */
    private ReleaseTag tag(boolean pr) {
        ReleaseTag t = pr ? ReleaseTag.forPullRequest(mode.pr) : ReleaseTag.parse(mode.tag);
        if (release == null) {
            return t;
        }
        if (pr) {
            throw new SpecException("--release applies to a --tag release (a respin), not to --pr builds");
        }
        return t.withRelease(release);
    }

    private static Arch releaseArch(String a) {
        Arch x = Arch.parse(a);
        if (x == Arch.NOARCH) {
            throw new SpecException("--arch noarch is not a release arch; use x86_64 or aarch64");
        }
        return x;
    }
}
