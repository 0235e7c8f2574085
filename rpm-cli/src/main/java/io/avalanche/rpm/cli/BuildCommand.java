package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.build.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.release.ReleaseManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `rpm-release build`: build the preset's binaries from source and package both RPMs. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Run the preset's build scripts (on the host or in a container) and package both RPMs,",
            "writing release.json (tag, commit, arch, files with sizes and SHA-256).", "",
            "Example:", "  rpm-release build --preset avalanchego --source ~/avalanchego --tag v1.14.1 --out dist/"})
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

    @Override
    public Integer call() {
        requirePreset(preset);
        ReleaseTag t = ReleaseTag.parse(tag);
        Arch a = arch == null ? Arch.host() : Arch.parse(arch);
        PrintWriter err = spec.commandLine().getErr();
        ReleaseManifest m = ReleaseBuilder.build(new ReleaseBuilder.Request(source, t, a, image, out,
                Compression.parse(compression)), line -> {
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
