package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.manifest.ReleaseManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `rpm-release build`: build the preset's binaries from source and package both RPMs. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Run upstream's build scripts as upstream's packaging does (on the host",
            "or in a container) and package both RPMs, writing release.json:",
            "  avalanchego: ./scripts/build.sh in the tree root -> build/avalanchego",
            "  subnet-evm:  ./scripts/build.sh <tree>/build/subnet-evm",
            "               in graft/subnet-evm -> <tree>/build/subnet-evm",
            "The tree needs graft/subnet-evm (upstream v1.14.1-rc.0 and later);",
            "DEFAULT_VM_ID is read from graft/subnet-evm/scripts/constants.sh (not",
            "sourced). The tree must be clean and the tag must point at the checked-out",
            "commit (exit 2 before any build work) unless --allow-dirty /",
            "--allow-tag-mismatch. Only this run's files are written into --out.", "",
            "Examples:", "  rpm-release build --preset avalanchego --source ~/avalanchego \\",
            "    --tag v1.14.1 --out dist/",
            "  rpm-release build --source ~/avalanchego --tag v1.14.1 --out dist/ --dry-run"})
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", defaultValue = "avalanchego", description = "Product preset (only: avalanchego).")
    String preset;

    @Option(names = "--source", required = true, description = "The source tree (a git checkout).")
    Path source;

    @Option(names = "--tag", required = true, description = "Release tag vX.Y.Z[-pre].")
    String tag;

    @Option(names = "--arch", description = "Target arch (default: this machine's).")
    String arch;

    @Option(names = "--image", description = "Run the build scripts inside a container of this image (docker CLI).")
    String image;

    @Option(names = "--compression", defaultValue = "zstd:19", description = "Payload compression (default ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--out", required = true, description = "Release directory to write.")
    Path out;

    @Option(names = "--json", description = "Print release.json to stdout.")
    boolean json;

    @Option(names = "--dry-run", description = "Read the tree and print the plan; run nothing. Refuses what a real "
            + "build refuses, with the same exit code.")
    boolean dryRun;

    @Mixin
    SourceCheckOptions sourceChecks = new SourceCheckOptions();

    @Override
    public Integer call() {
        requirePreset(preset);
        ReleaseTag t = ReleaseTag.parse(tag);
        Arch a = arch == null ? Arch.host() : Arch.parse(arch);
        PrintWriter err = spec.commandLine().getErr();
        ReleaseBuilder.Request request = new ReleaseBuilder.Request(source, t, a, image, out,
                Compression.parse(compression), null, sourceChecks.checks());
        if (dryRun) {
            ReleaseBuilder.Plan plan = ReleaseBuilder.plan(request);
            PrintWriter o = spec.commandLine().getOut();
            o.println("DRY RUN: nothing is built or written");
            plan.lines().forEach(o::println);
            o.println("output:   " + request.out() + " (" + plan.packages().stream()
                    .map(ReleaseBuilder.PackagePlan::fileName).toList() + ", release.json)");
            o.flush();
            return Main.OK;
        }
        ReleaseManifest m = ReleaseBuilder.build(request, line -> {
                    err.println(line);
                    err.flush();
                }, Progress.reporter(err));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(m.toJson());
        } else {
            o.println("built " + m.tag() + " (" + m.arch() + ", commit " + m.commit() + ") into " + out);
            m.files().forEach(f -> o.println("  " + f.name() + "  " + f.size() + " bytes  sha256 " + f.sha256()));
        }
        o.flush();
        return Main.OK;
    }

    static void requirePreset(String preset) {
        if (!"avalanchego".equals(preset)) {
            throw new SpecException("unknown preset '" + preset + "': the only preset is avalanchego");
        }
    }
}
