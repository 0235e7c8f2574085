package io.avalanche.rpm.cli;

import io.avalanche.rpm.verify.PackageDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** `rpm-release inspect`: what a package contains, read with our own reader. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a package's name, EVR, arch, files, requires and signature.", "",
            "Files come with their modes and digests, the payload with its compression,",
            "sizes and digest, and each ELF file with the GLIBC version it needs.",
            "", "Example:", "  rpm-release inspect dist/avalanchego-v1.14.1-x86_64.rpm --json"})
final class InspectCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "RPM", description = "The package file.")
    Path rpm;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PackageDescription d = PackageDescription.read(rpm);
        return print(json, () -> Output.toJson(d), () -> lines(d), Main.OK);
    }

    /** The description as text; header values are escaped when printed, so a package cannot drive the terminal. */
    private static List<String> lines(PackageDescription d) {
        List<String> l = new ArrayList<>();
        l.add(d.name() + "-" + d.evr() + "." + d.arch());
        l.add("  summary:  " + d.summary());
        l.add("  license:  " + d.license());
        l.add("  built:    " + Instant.ofEpochSecond(d.buildTime()));
        l.add(String.format(Locale.ROOT, "  payload:  %s %s, %d bytes compressed, %d bytes cpio, sha256 %s",
                d.payloadCompressor(), d.payloadFlags() == null ? "" : "level " + d.payloadFlags(), d.payloadBytes(),
                d.archiveSize(), d.payloadDigest()));
        PackageDescription.SignatureInfo sig = d.signature();
        l.add("  signed:   " + (sig == null ? (d.signed() ? "legacy signature only" : "no")
                : sig.algorithm() + "/" + sig.hash() + ", key ID " + sig.keyId() + ", created " + sig.created()
                + " (check it with: rpm-release verify --key KEY)"));
        l.add("  requires:");
        d.requires().forEach(r -> l.add("    " + r));
        l.add("  provides:");
        d.provides().forEach(r -> l.add("    " + r));
        for (PackageDescription.ElfFact e : d.elf()) {
            l.add("  ELF:      " + e.path() + ": " + e.machine() + ", interpreter "
                    + (e.interpreter() == null ? "none (static)" : e.interpreter()) + ", needs "
                    + (e.maxGlibc() == null ? "no versioned glibc symbols" : e.maxGlibc() + " at most"));
        }
        l.add("  files:");
        for (PackageDescription.FileInfo f : d.files()) {
            l.add(String.format(Locale.ROOT, "    %s %s:%s %10d %s %s", f.mode(), f.user(), f.group(), f.size(),
                    f.path(), f.sha256().isEmpty() ? "" : f.sha256()));
        }
        return l;
    }
}
