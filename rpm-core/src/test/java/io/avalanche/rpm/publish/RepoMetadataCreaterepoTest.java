package io.avalanche.rpm.publish;

import io.avalanche.rpm.yum.Repomd;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.yum.PackageFile;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.RpmEntry;
import io.avalanche.rpm.write.ChangelogEntry;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Our primary/filelists/other agree with createrepo_c's for the same RPMs, field by field. */
class RepoMetadataCreaterepoTest {
    @TempDir
    Path tmp;

    @Test
    void metadataMatchesCreaterepoC() throws Exception {
        Path release = Files.createDirectories(tmp.resolve("release"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path a = TestRpms.build(work, "alpha", "1.2.3", "x86_64", List.of(
                "Requires: glibc >= 2.34", "Requires(pre): /bin/sh", "Requires: /usr/bin/alpha",
                "Requires: libfoo.so.1()(64bit)", "Provides: alpha-api = 2:4.5-6", "Provides: alpha-cli",
                "Conflicts: beta < 1.0", "Obsoletes: alpha-old <= 0.9", "Recommends: gamma", "Suggests: delta > 1"));
        Path b = TestRpms.build(work, "beta", "2.0", "x86_64", List.of("Requires: alpha = 1.2.3-1", "Epoch: 3"));
        Path a0 = a;
        a = Files.move(a, a.resolveSibling(TestRpms.publishedName(a)));   // alpha-v1.2.3-x86_64.rpm
        assertThat(a0.getFileName().toString()).isEqualTo("alpha-1.2.3-1.x86_64.rpm");
        for (Path p : List.of(a, b)) {
            Files.copy(p, release.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        List<PackageMetadata> ours = compareWithCreaterepo(release, List.of(a, b), "x86_64");
        PackageMetadata alpha = ours.stream().filter(m -> m.name().equals("alpha")).findFirst().orElseThrow();
        assertThat(alpha.deps("requires")).contains(new RpmEntry("glibc", "GE", "0", "2.34", null, false),
                new RpmEntry("/bin/sh", null, null, null, null, true));
        assertThat(alpha.files()).contains(new PackageFile("/etc/alpha", "dir"),
                new PackageFile("/var/lib/alpha/state", "ghost"));
        assertThat(alpha.changelogs()).hasSize(2);
    }

    @Test
    void rpmWriterPackagesMatchCreaterepoC() throws Exception {
        Path release = Files.createDirectories(tmp.resolve("release"));
        Path bin = Files.writeString(tmp.resolve("avalanchego"), "#!/bin/sh\necho avalanchego/1.14.1\n");
        Path made = RpmWriter.write(PackageSpec.builder().name("avalanchego").version("1.14.1").release("1")
                .arch(Arch.AARCH64).summary("AvalancheGo node").description("The AvalancheGo node.")
                .license("BSD-3-Clause").url("https://github.com/ava-labs/avalanchego").vendor("Ava Labs")
                .packager("Ava Labs <security@avalabs.org>").group("Applications/System").buildHost("builder")
                .buildTime(1_700_000_000L).require("glibc >= 2.34").require("bash")
                .provide(io.avalanche.rpm.write.Dependency.parse("avalanche-node = 1.14.1"))
                .file(new FileEntry(bin, "/usr/local/bin/avalanchego", 0755))
                .directory("/var/opt/avalanchego/plugins")
                .changelog(new ChangelogEntry(1_700_000_000L, "Release Bot <bot@example.invalid>", "- v1.14.1"))
                .build(), release, "avalanchego-v1.14.1-aarch64.rpm");
        List<PackageMetadata> ours = compareWithCreaterepo(release, List.of(made), "aarch64");
        assertThat(ours.get(0).deps("requires")).contains(new RpmEntry("glibc", "GE", "0", "2.34", null, false));
        assertThat(ours.get(0).files()).contains(new PackageFile("/usr/local/bin/avalanchego", null));
    }

    @Test
    void noarchServicePackageIsInEveryArchRepositoryAsCreaterepoCSeesIt() throws Exception {
        Path release = Files.createDirectories(tmp.resolve("release"));
        Path bin = Files.writeString(tmp.resolve("avalanchego"), "#!/bin/sh\necho avalanchego/1.14.1\n");
        io.avalanche.rpm.format.ReleaseTag tag = io.avalanche.rpm.format.ReleaseTag.parse("v1.14.1");
        io.avalanche.rpm.write.Compression c = io.avalanche.rpm.write.Compression.parse("gzip");
        Path x86 = RpmWriter.write(io.avalanche.rpm.release.AvalanchegoPreset.avalanchego(tag, Arch.X86_64, bin,
                1_700_000_000L, c), release, tag.fileName("avalanchego", Arch.X86_64));
        Path arm = RpmWriter.write(io.avalanche.rpm.release.AvalanchegoPreset.avalanchego(tag, Arch.AARCH64, bin,
                1_700_000_000L, c), release, tag.fileName("avalanchego", Arch.AARCH64));
        Path svc = RpmWriter.write(io.avalanche.rpm.release.AvalanchegoService.spec(tag, 1_700_000_000L, c,
                tmp.resolve("svc")), release, tag.fileName("avalanchego-service", Arch.NOARCH));
        for (String[] arch : new String[][] {{"x86_64", x86.toString()}, {"aarch64", arm.toString()}}) {
            List<PackageMetadata> ours = compareWithCreaterepo(release, List.of(Path.of(arch[1]), svc), arch[0]);
            PackageMetadata service = ours.stream().filter(m -> m.name().equals("avalanchego-service")).findFirst()
                    .orElseThrow();
            assertThat(service.arch()).isEqualTo("noarch");
            assertThat(service.href()).isEqualTo("avalanchego-service-v1.14.1-noarch.rpm");
            assertThat(service.deps("requires")).contains(new RpmEntry("avalanchego", "EQ", "0", "1.14.1", "1", false),
                    new RpmEntry("shadow-utils", null, null, null, null, true),
                    new RpmEntry("/bin/sh", null, null, null, null, true));
            assertThat(tmp.resolve("dest-" + arch[0] + "/linux/rpms/" + arch[0] + "/" + svc.getFileName()))
                    .hasSameBinaryContentAs(svc);
        }
        assertThat(tmp.resolve("dest-x86_64/linux/rpms/noarch")).doesNotExist();
    }

    @Test
    void aNoarchPackageAloneIsRefused() throws Exception {
        Path release = Files.createDirectories(tmp.resolve("release"));
        io.avalanche.rpm.format.ReleaseTag tag = io.avalanche.rpm.format.ReleaseTag.parse("v1.14.1");
        RpmWriter.write(io.avalanche.rpm.release.AvalanchegoService.spec(tag, 1_700_000_000L,
                io.avalanche.rpm.write.Compression.parse("gzip"), tmp.resolve("svc")), release,
                tag.fileName("avalanchego-service", Arch.NOARCH));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Publisher(new FileStore(tmp.resolve("dest")),
                o -> { }, l -> { }).publish(release, Publisher.Options.defaults(null).withoutReleaseChecks()))
                .isInstanceOf(PublishCheckException.class).hasMessageContaining("is noarch")
                .hasMessageContaining("Nothing was uploaded");
        assertThat(tmp.resolve("dest/linux")).doesNotExist();
    }

    /** Publishes the release dir, runs createrepo_c over the same RPMs, compares every package field. */
    private List<PackageMetadata> compareWithCreaterepo(Path release, List<Path> rpms, String arch) throws Exception {
        Path dest = tmp.resolve("dest-" + arch);
        new Publisher(new FileStore(dest), o -> { }, s -> { })
                .publish(release, Publisher.Options.defaults(null).withoutReleaseChecks().withTimestamp(1_700_000_000L));
        Path ref = Files.createDirectories(tmp.resolve("ref-" + arch));
        for (Path p : rpms) {
            Files.copy(release.resolve(p.getFileName()), ref.resolve(p.getFileName()),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        Tools.run(List.of("createrepo_c", "--no-database", ref.toString()), Map.of(), null);
        List<PackageMetadata> ours = read(dest.resolve("linux/rpms/" + arch));
        List<PackageMetadata> theirs = read(ref);
        assertThat(ours).hasSize(rpms.size());
        assertThat(theirs).hasSize(rpms.size());
        Map<String, PackageMetadata> byName = theirs.stream()
                .collect(Collectors.toMap(PackageMetadata::name, Function.identity()));
        for (PackageMetadata o : ours) {
            PackageMetadata t = byName.get(o.name());
            assertThat(t).as("createrepo_c has %s", o.name()).isNotNull();
            assertThat(o).usingRecursiveComparison().ignoringFields("deps", "files", "changelogs").isEqualTo(t);
            for (String kind : PackageMetadata.DEP_KINDS) {
                assertThat(new HashSet<>(o.deps(kind))).as("%s of %s", kind, o.name())
                        .isEqualTo(new HashSet<>(t.deps(kind)));
            }
            assertThat(sorted(o.files())).as("files of %s", o.name()).isEqualTo(sorted(t.files()));
            assertThat(o.changelogs()).as("changelogs of %s", o.name()).isEqualTo(t.changelogs());
        }
        return ours;
    }

    private static List<PackageFile> sorted(List<PackageFile> f) {
        return f.stream().sorted(Comparator.comparing(PackageFile::path)).toList();
    }

    /** Parses a repository directory's metadata through its repomd.xml (checking the checksums). */
    static List<PackageMetadata> read(Path repo) throws Exception {
        Repomd r = Repomd.parse(Files.readAllBytes(repo.resolve("repodata/repomd.xml")), repo.toString());
        byte[][] docs = new byte[3][];
        String[] types = {"primary", "filelists", "other"};
        for (int i = 0; i < 3; i++) {
            Repomd.Entry e = r.entry(types[i]).orElseThrow();
            byte[] gz = Files.readAllBytes(repo.resolve(e.href()));
            assertThat(Digests.sha256Hex(gz)).as("checksum of %s", e.href()).isEqualTo(e.checksum());
            assertThat(e.href()).isEqualTo("repodata/" + e.checksum() + "-" + types[i] + ".xml.gz");
            docs[i] = YumRepository.gunzip(gz);
            assertThat(Digests.sha256Hex(docs[i])).isEqualTo(e.openChecksum());
        }
        return RepoXml.read(docs[0], docs[1], docs[2]);
    }
}
