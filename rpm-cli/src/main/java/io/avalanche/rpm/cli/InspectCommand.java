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
            line(out, "%s-%s.%s", d.name(), d.evr(), d.arch());
            line(out, "  summary:  %s", d.summary());
            line(out, "  license:  %s", d.license());
            line(out, "  built:    %s", Instant.ofEpochSecond(d.buildTime()));
            line(out, "  payload:  %s %s, %d bytes compressed, %d bytes cpio, sha256 %s", d.payloadCompressor(),
                    d.payloadFlags() == null ? "" : "level " + d.payloadFlags(), d.payloadBytes(), d.archiveSize(),
                    d.payloadDigest());
            PackageDescription.SignatureInfo sig = d.signature();
            line(out, "  signed:   %s", sig == null ? (d.signed() ? "legacy signature only" : "no")
                    : sig.algorithm() + "/" + sig.hash() + ", key ID " + sig.keyId() + ", created " + sig.created()
                    + " (check it with: rpm-release verify --key KEY)");
            out.println("  requires:");
            d.requires().forEach(r -> line(out, "    %s", r));
            out.println("  provides:");
            d.provides().forEach(r -> line(out, "    %s", r));
            for (PackageDescription.ElfFact e : d.elf()) {
                line(out, "  ELF:      %s: %s, interpreter %s, needs %s", e.path(), e.machine(),
                        e.interpreter() == null ? "none (static)" : e.interpreter(),
                        e.maxGlibc() == null ? "no versioned glibc symbols" : e.maxGlibc() + " at most");
            }
            out.println("  files:");
            for (PackageDescription.FileInfo f : d.files()) {
                line(out, "    %s %s:%s %10d %s %s", f.mode(), f.user(), f.group(), f.size(), f.path(),
                        f.sha256().isEmpty() ? "" : f.sha256());
            }
        }
        out.flush();
        return Main.OK;
    }

    /** One formatted line; header values are escaped, so a package cannot drive the terminal. */
    private static void line(PrintWriter out, String format, Object... args) {
        Output.line(out, String.format(java.util.Locale.ROOT, format, args));
    }
}
