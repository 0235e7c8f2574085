package io.avalanche.rpm.cli;

import io.avalanche.rpm.verify.PackageDescription;
import io.avalanche.rpm.verify.RpmReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** `rpm-release inspect`: what a package contains, read with our own reader. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a package's name, EVR, arch, files (modes, digests), requires, payload and signature.",
            "", "Example:", "  rpm-release inspect dist/avalanchego-v1.14.1-x86_64.rpm --json"})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RPM", description = "The package file.")
    Path rpm;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PackageDescription d = PackageDescription.of(RpmReader.read(rpm));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Output.toJson(d));
        } else {
            out.printf("%s-%s.%s%n", d.name(), d.evr(), d.arch());
            out.printf("  summary:  %s%n  license:  %s%n  built:    %s%n", d.summary(), d.license(),
                    Instant.ofEpochSecond(d.buildTime()));
            out.printf("  payload:  %s %s, %d bytes compressed, %d bytes cpio, sha256 %s%n", d.payloadCompressor(),
                    d.payloadFlags() == null ? "" : "level " + d.payloadFlags(), d.payloadBytes(), d.archiveSize(),
                    d.payloadDigest());
            out.printf("  signed:   %s%n", d.signed() ? "yes (header signature present; check it with verify)" : "no");
            out.println("  requires:");
            d.requires().forEach(r -> out.println("    " + r));
            out.println("  provides:");
            d.provides().forEach(r -> out.println("    " + r));
            out.println("  files:");
            for (PackageDescription.FileInfo f : d.files()) {
                out.printf("    %s %s:%s %10d %s %s%n", f.mode(), f.user(), f.group(), f.size(), f.path(),
                        f.sha256().isEmpty() ? "" : f.sha256());
            }
        }
        out.flush();
        return Main.OK;
    }
}
