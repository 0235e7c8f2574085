package io.avalanche.rpm.cli;

import io.avalanche.rpm.verify.PackageDescription;
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
        PackageDescription d = PackageDescription.read(rpm);
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
            PackageDescription.SignatureInfo sig = d.signature();
            out.printf("  signed:   %s%n", sig == null ? (d.signed() ? "legacy signature only" : "no")
                    : sig.algorithm() + "/" + sig.hash() + ", key ID " + sig.keyId() + ", created " + sig.created()
                    + " (check it with: rpm-release verify --key KEY)");
            out.println("  requires:");
            d.requires().forEach(r -> out.println("    " + r));
            out.println("  provides:");
            d.provides().forEach(r -> out.println("    " + r));
            for (PackageDescription.ElfFact e : d.elf()) {
                out.printf("  ELF:      %s: %s, interpreter %s, needs %s%n", e.path(), e.machine(),
                        e.interpreter() == null ? "none (static)" : e.interpreter(),
                        e.maxGlibc() == null ? "no versioned glibc symbols" : e.maxGlibc() + " at most");
            }
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
