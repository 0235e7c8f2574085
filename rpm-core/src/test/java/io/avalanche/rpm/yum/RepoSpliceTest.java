package io.avalanche.rpm.yum;

import io.avalanche.rpm.publish.TestRpms;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Spliced metadata is byte for byte what writing every package again gives; foreign documents are not spliced. */
class RepoSpliceTest {
    @TempDir
    Path tmp;

    private static PackageMetadata pkg(PackageMetadata t, String href, String name, String sha) {
        return new PackageMetadata(name, t.arch(), t.epoch(), t.version(), t.release(), sha, t.summary(),
                t.description(), t.packager(), t.url(), t.fileTime(), t.buildTime(), 1000 + href.length(),
                t.installedSize(), t.archiveSize(), href, t.license(), t.vendor(), t.group(), t.buildhost(),
                t.sourcerpm(), t.headerStart(), t.headerEnd(), t.deps(), t.files(), t.changelogs());
    }

    private static RepoXml.Documents write(Map<String, PackageMetadata> all) {
        List<PackageMetadata> l = new ArrayList<>(all.values());
        l.sort(Comparator.comparing(PackageMetadata::href));
        return RepoXml.write(l);
    }

    @Test
    void splicedDocumentsAreWhatWritingThemWholeGives() throws Exception {
        Path rpm = TestRpms.build(tmp, "avalanchego", "1.0.0", "x86_64", List.of("Requires: glibc"));
        PackageMetadata t = PackageMetadata.from(RpmReader.read(rpm), "00", 1, "x");
        Map<String, PackageMetadata> old = new TreeMap<>();
        for (int i = 10; i < 60; i++) {
            String href = "pkg-" + i + ".rpm";
            old.put(href, pkg(t, href, "pkg" + i, Digests.sha256Hex(href.getBytes(StandardCharsets.UTF_8))));
        }
        RepoXml.Documents before = write(old);
        RepoSplice.Index idx = RepoSplice.index(before.primary(), before.filelists(), before.other());
        assertThat(idx).isNotNull();
        assertThat(idx.hrefs()).hasSize(50);
        assertThat(idx.sizes()).containsEntry("pkg-10.rpm", 1000L + "pkg-10.rpm".length());

        // new first, middle and last packages, and one that replaces an existing location
        List<PackageMetadata> fresh = List.of(pkg(t, "a-first.rpm", "first", "1".repeat(64)),
                pkg(t, "pkg-33x.rpm", "middle", "2".repeat(64)), pkg(t, "z-last.rpm", "last", "3".repeat(64)),
                pkg(t, "pkg-20.rpm", "replaced", "4".repeat(64)));
        Map<String, PackageMetadata> after = new TreeMap<>(old);
        fresh.forEach(m -> after.put(m.href(), m));
        RepoXml.Documents want = write(after);
        RepoXml.Documents got = RepoSplice.splice(idx, fresh);
        assertThat(new String(got.primary(), StandardCharsets.UTF_8))
                .isEqualTo(new String(want.primary(), StandardCharsets.UTF_8));
        assertThat(got.filelists()).isEqualTo(want.filelists());
        assertThat(got.other()).isEqualTo(want.other());
        assertThat(RepoXml.read(got.primary(), got.filelists(), got.other())).hasSize(53);

        // an empty repository's documents splice too
        RepoXml.Documents none = RepoXml.write(List.of());
        RepoSplice.Index empty = RepoSplice.index(none.primary(), none.filelists(), none.other());
        assertThat(empty).isNotNull();
        assertThat(RepoSplice.splice(empty, fresh).primary()).isEqualTo(write(new TreeMap<>(Map.of(
                "a-first.rpm", fresh.get(0), "pkg-33x.rpm", fresh.get(1), "z-last.rpm", fresh.get(2),
                "pkg-20.rpm", fresh.get(3)))).primary());
    }

    @Test
    void documentsNotWrittenThisWayAreNotSpliced() throws Exception {
        Path rpm = TestRpms.build(tmp, "avalanchego", "1.0.1", "x86_64", List.of());
        PackageMetadata t = PackageMetadata.from(RpmReader.read(rpm), "00", 1, "x");
        List<PackageMetadata> unsorted = List.of(pkg(t, "b.rpm", "b", "5".repeat(64)), pkg(t, "a.rpm", "a", "6".repeat(64)));
        RepoXml.Documents d = RepoXml.write(unsorted);
        assertThat(RepoSplice.index(d.primary(), d.filelists(), d.other())).isNull();
        RepoXml.Documents ok = RepoXml.write(List.of(unsorted.get(1), unsorted.get(0)));
        // filelists of another package set (pkgids disagree), reformatted documents
        RepoXml.Documents other = RepoXml.write(List.of(pkg(t, "a.rpm", "a", "7".repeat(64)), unsorted.get(0)));
        assertThat(RepoSplice.index(ok.primary(), other.filelists(), ok.other())).isNull();
        byte[] reformatted = new String(ok.primary(), StandardCharsets.UTF_8).replace("\n<package", "\n  <package")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(RepoSplice.index(reformatted, ok.filelists(), ok.other())).isNull();
        assertThat(RepoSplice.index(ok.primary(), ok.filelists(), ok.other())).isNotNull();
    }
}
