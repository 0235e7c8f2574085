package io.avalanche.rpm.format;

import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Our reader agrees with `rpm -qp --qf` on every tag it exposes, for our packages and rpmbuild's. */
class RpmReaderAgreementTest {
    @TempDir
    static Path dir;
    static List<Path> packages = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        packages.add(TestPackages.avalanchego(dir.resolve("ours-zstd"), Compression.parse("zstd:3"), 50_000));
        packages.add(TestPackages.avalanchego(dir.resolve("ours-xz"), Compression.parse("xz"), 50_000));
        packages.add(TestPackages.glibcProvider(dir.resolve("ours-noarch"), "2.34"));
        packages.add(rpmbuild(dir.resolve("rpmbuild")));
    }

    /** Builds a package with Debian's rpmbuild from a small spec. */
    static Path rpmbuild(Path top) throws Exception {
        Files.createDirectories(top.resolve("SPECS"));
        Path spec = top.resolve("SPECS/demo.spec");
        Files.writeString(spec, String.join("\n", "Name: demo", "Version: 2.5", "Release: 3", "Epoch: 1",
                "Summary: Demo package", "License: MIT", "URL: https://example.org", "Requires: glibc >= 2.34",
                "Requires: bash", "Provides: demo-feature = 7", "BuildArch: noarch", "%description", "Demo.",
                "%install", "mkdir -p %{buildroot}/opt/demo/sub", "echo one > %{buildroot}/opt/demo/a.txt",
                "echo two > %{buildroot}/opt/demo/sub/b.txt", "%files", "/opt/demo", "%changelog",
                "* Mon Jan 01 2024 Someone <s@example.org> - 1:2.5-3", "- First", ""));
        Cmd.run("rpmbuild", "-bb", "--define", "_topdir " + top, "--define", "__gpg /usr/bin/gpg",
                spec.toString()).ok();
        return top.resolve("RPMS/noarch/demo-2.5-3.noarch.rpm");
    }

    static List<Path> packages() {
        return packages;
    }

    private static String q(Path rpm, String fmt) {
        return Cmd.run("rpm", "-qp", "--qf", fmt, rpm.toString()).ok().output();
    }

    @ParameterizedTest
    @MethodSource("packages")
    void scalarTagsAgree(Path rpm) {
        RpmPackage p = RpmReader.read(rpm);
        for (Tag t : List.of(Tag.NAME, Tag.VERSION, Tag.RELEASE, Tag.ARCH, Tag.LICENSE, Tag.SUMMARY,
                Tag.DESCRIPTION, Tag.OS, Tag.SOURCERPM, Tag.PAYLOADFORMAT, Tag.PAYLOADCOMPRESSOR, Tag.URL)) {
            String expected = q(rpm, "%{" + t.name() + "}");
            String ours = p.header().string(t);
            assertThat(ours == null ? "(none)" : ours).as(t.name()).isEqualTo(expected);
        }
        for (Tag t : List.of(Tag.BUILDTIME, Tag.SIZE, Tag.EPOCH, Tag.FILEDIGESTALGO)) {
            String expected = q(rpm, "%{" + t.name() + "}");
            long[] n = p.header().numbers(t);
            assertThat(n.length == 0 ? "(none)" : Long.toString(n[0])).as(t.name()).isEqualTo(expected);
        }
        assertThat(p.evr()).isEqualTo(q(rpm, "%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}"));
        assertThat(p.header().strings(Tag.PAYLOADDIGEST)[0]).isEqualTo(q(rpm, "%{PAYLOADDIGEST}"));
        String archive = q(rpm, "%{ARCHIVESIZE}");
        long[] ours = p.signature().numbers(io.avalanche.rpm.format.SigTag.PAYLOADSIZE.id());
        long[] ourLong = p.signature().numbers(io.avalanche.rpm.format.SigTag.LONGARCHIVESIZE.id());
        assertThat(Long.toString(ours.length > 0 ? ours[0] : ourLong[0])).isEqualTo(archive);
    }

    @ParameterizedTest
    @MethodSource("packages")
    void arrayTagsAgree(Path rpm) {
        RpmPackage p = RpmReader.read(rpm);
        assertThat(lines(q(rpm, "[%{REQUIRENAME} %{REQUIREFLAGS} %{REQUIREVERSION}\\n]"))).isEqualTo(
                deps(p, Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION));
        assertThat(lines(q(rpm, "[%{PROVIDENAME} %{PROVIDEFLAGS} %{PROVIDEVERSION}\\n]"))).isEqualTo(
                deps(p, Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION));
        List<String> files = new ArrayList<>();
        String[] dirs = p.header().strings(Tag.DIRNAMES);
        long[] idx = p.header().numbers(Tag.DIRINDEXES);
        String[] base = p.header().strings(Tag.BASENAMES);
        long[] modes = p.header().numbers(Tag.FILEMODES);
        long[] sizes = p.header().numbers(Tag.FILESIZES);
        String[] digests = p.header().strings(Tag.FILEDIGESTS);
        String[] users = p.header().strings(Tag.FILEUSERNAME);
        for (int i = 0; i < base.length; i++) {
            files.add(dirs[(int) idx[i]] + base[i] + " " + Long.toOctalString(modes[i]) + " " + sizes[i] + " "
                    + digests[i] + " " + users[i]);
        }
        assertThat(lines(q(rpm, "[%{FILENAMES} %{FILEMODES:octal} %{FILESIZES} %{FILEDIGESTS} %{FILEUSERNAME}\\n]")))
                .isEqualTo(files);
        List<String> changes = new ArrayList<>();
        long[] ct = p.header().numbers(Tag.CHANGELOGTIME);
        String[] cn = p.header().strings(Tag.CHANGELOGNAME);
        for (int i = 0; i < ct.length; i++) {
            changes.add(ct[i] + " " + cn[i]);
        }
        assertThat(lines(q(rpm, "[%{CHANGELOGTIME} %{CHANGELOGNAME}\\n]"))).isEqualTo(changes);
    }

    private static List<String> deps(RpmPackage p, Tag n, Tag f, Tag v) {
        String[] names = p.header().strings(n);
        long[] flags = p.header().numbers(f);
        String[] vers = p.header().strings(v);
        List<String> r = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            r.add(names[i] + " " + flags[i] + " " + vers[i]);
        }
        return r;
    }

    private static List<String> lines(String s) {
        return Arrays.stream(s.split("\n")).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }
}
