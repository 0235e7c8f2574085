package io.avalanche.rpm.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Builds small test RPMs with Debian's rpmbuild from a generated spec in a private _topdir. */
public final class TestRpms {
    private TestRpms() {
    }

    /** The file name publish requires for a package, from its header (ReleaseScan.expectedName). */
    public static String publishedName(Path rpm) {
        return ReleaseScan.expectedName(io.avalanche.rpm.format.RpmReader.read(rpm));
    }

    /** A package with a binary, a config file, a directory, a ghost, deps and two changelog entries. */
    public static Path build(Path work, String name, String version, String arch, List<String> extraTags) throws IOException {
        Path top = Files.createTempDirectory(work, "top");
        for (String d : List.of("SPECS", "SOURCES", "BUILD", "RPMS", "SRPMS", "BUILDROOT")) {
            Files.createDirectories(top.resolve(d));
        }
        List<String> spec = new ArrayList<>(List.of(
                "Name: " + name, "Version: " + version, "Release: 1", "Summary: " + name + " test package <&>",
                "License: MIT", "URL: https://example.invalid/" + name, "Vendor: Test Vendor",
                "Packager: Test Packager <packager@example.invalid>", "Group: Applications/System",
                "AutoReqProv: no"));
        if (arch.equals("noarch")) {
            spec.add("BuildArch: noarch");
        }
        spec.addAll(extraTags);
        spec.addAll(List.of("", "%description", "Test package " + name + ".", "Second line & more.", "",
                "%install",
                "mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/" + name + " %{buildroot}/usr/share/" + name
                        + " %{buildroot}/var/lib/" + name,
                "printf 'echo %s\\n' " + name + " > %{buildroot}/usr/bin/" + name,
                "printf 'setting=1\\n' > %{buildroot}/etc/" + name + "/" + name + ".conf",
                "printf 'data\\n' > %{buildroot}/usr/share/" + name + "/data.txt",
                "", "%files",
                "%attr(0755,root,root) /usr/bin/" + name,
                "%dir /etc/" + name,
                "%config(noreplace) /etc/" + name + "/" + name + ".conf",
                "/usr/share/" + name,
                "%ghost /var/lib/" + name + "/state",
                "%dir /var/lib/" + name,
                "", "%changelog",
                "* Tue Jan 02 2024 Second Author <second@example.invalid> - " + version + "-1",
                "- second entry",
                "* Mon Jan 01 2024 First Author <first@example.invalid> - 0.1-1",
                "- first entry"));
        Path specFile = top.resolve("SPECS").resolve(name + ".spec");
        Files.write(specFile, spec);
        List<String> cmd = new ArrayList<>(List.of("rpmbuild", "--define", "_topdir " + top,
                "--define", "debug_package %{nil}", "--define", "_build_id_links none",
                "--define", "__os_install_post %{nil}",   // brp scripts: nothing here for them, ~0.3 s of CPU a build
                "--define", "_binary_payload w6.gzdio", "--define", "_buildhost testhost.example.invalid"));
        if (!arch.equals("noarch")) {
            cmd.addAll(List.of("--target", arch));
        }
        cmd.addAll(List.of("-bb", specFile.toString()));
        Tools.run(cmd, Map.of("SOURCE_DATE_EPOCH", "1700000000"), top);
        try (Stream<Path> s = Files.walk(top.resolve("RPMS"))) {
            Path built = s.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
            Path out = work.resolve(built.getFileName());
            Files.move(built, out);
            return out;
        }
    }
}
