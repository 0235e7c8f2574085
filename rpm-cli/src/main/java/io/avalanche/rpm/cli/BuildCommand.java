package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.manifest.ReleaseManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `rpm-release build`: build the preset's binaries from source and package both RPMs. */
@Command(name = "build", mixinStandardHelpOptions = true)   // usage text: help/build.properties
final class BuildCommand extends CliCommand {
    @Option(names = "--preset", defaultValue = "avalanchego", description = "Product preset (only: avalanchego).")
    String preset;

    @Mixin
    SourceOptions source = new SourceOptions();

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

    @Mixin
    PlanOptions plan = new PlanOptions();

    @Override
    public Integer call() {
        requirePreset(preset);
        ReleaseTag t = ReleaseTag.parse(tag);
        Arch a = arch == null ? Arch.host() : Arch.parse(arch);
        ReleaseBuilder.Request request = new ReleaseBuilder.Request(source.source, t, a, image, out,
                Compression.parse(compression), null, source.checks());
        if (plan.dryRun) {
            ReleaseBuilder.Plan plan = ReleaseBuilder.plan(request);
            List<String> lines = new ArrayList<>();
            lines.add("DRY RUN: nothing is built or written");
            lines.addAll(plan.lines());
            lines.add("output:   " + request.out() + " (" + plan.packages().stream()
                    .map(ReleaseBuilder.PackagePlan::fileName).toList() + ", release.json)");
            return print(lines, Main.OK);
        }
        ReleaseManifest m = ReleaseBuilder.build(request, log(), Progress.reporter(err()));
        return print(plan.json, m::toJson, () -> {
            List<String> lines = new ArrayList<>();
            lines.add("built " + m.tag() + " (" + m.arch() + ", commit " + m.commit() + ") into " + out);
            m.files().forEach(f -> lines.add("  " + f.name() + "  " + f.size() + " bytes  sha256 " + f.sha256()));
            return lines;
        }, Main.OK);
    }

    static void requirePreset(String preset) {
        if (!"avalanchego".equals(preset)) {
            throw new SpecException("unknown preset '" + preset + "': the only preset is avalanchego");
        }
    }
}
