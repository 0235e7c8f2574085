package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.ValidationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The build stage on the host: commit, SOURCE_DATE_EPOCH from the commit time, release.json, reproducibility. */
class ReleaseBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void buildsTwiceToIdenticalPackages() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        ReleaseTag tag = ReleaseTag.parse("v1.14.1");
        ReleaseManifest a = ReleaseBuilder.build(new ReleaseBuilder.Request(src, tag, Arch.host(), null,
                tmp.resolve("a"), Compression.parse("zstd:3")), l -> { });
        ReleaseManifest b = ReleaseBuilder.build(new ReleaseBuilder.Request(src, tag, Arch.host(), null,
                tmp.resolve("b"), Compression.parse("zstd:3")), l -> { });
        assertThat(a.commit()).matches("[0-9a-f]{40}")
                .isEqualTo(Cmd.run("git", "-C", src.toString(), "rev-parse", "HEAD").ok().output().trim());
        assertThat(a.sourceDateEpoch()).isEqualTo(1709287200L);
        assertThat(a.vmId()).isEqualTo("srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy");
        assertThat(a.files()).extracting(ReleaseManifest.Artifact::sha256)
                .containsExactlyElementsOf(b.files().stream().map(ReleaseManifest.Artifact::sha256).toList());
        assertThat(ReleaseManifest.read(tmp.resolve("a"))).isEqualTo(a);
        Path rpm = tmp.resolve("a").resolve(a.files().get(0).name());
        assertThat(Cmd.run("rpm", "-qp", "--qf", "%{BUILDTIME}", rpm.toString()).ok().output()).isEqualTo("1709287200");
    }

    /**
     * A release directory inside the tree (the default --out of a run started in the checkout) holds what the last run
     * wrote: the next run's build does not call that dirt. Anything else there, or a package elsewhere, still is.
     */
    @Test
    void whatARunWroteIntoTheTreeIsNotDirtForTheNextRun() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        Path out = src.resolve("rpm-release-out");
        ReleaseBuilder.Request r = new ReleaseBuilder.Request(src, ReleaseTag.parse("v1.14.1"), Arch.host(), null,
                out, Compression.parse("zstd:3"));
        ReleaseManifest m = ReleaseBuilder.build(r, l -> { });
        Files.writeString(out.resolve(ValidationReport.DEFAULT_JUNIT), "<x/>");
        Files.writeString(Files.createDirectories(out.resolve(OutputDir.STAGING_PREFIX + "1")).resolve("left.rpm"),
                "a killed run's");
        assertThat(Cmd.run("git", "-C", src.toString(), "status", "--porcelain", "--untracked-files=all").ok().output()
                .lines().toList()).as("git sees them").hasSize(m.files().size() + 3);
        ReleaseBuilder.Plan again = ReleaseBuilder.plan(r);
        assertThat(again.git().clean()).isTrue();
        assertThat(again.overrides()).isEmpty();

        Files.writeString(out.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> ReleaseBuilder.plan(r))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("1 modified or untracked file(s) (?? rpm-release-out/notes.txt)");
        Files.delete(out.resolve("notes.txt"));
        Files.copy(out.resolve(m.files().get(0).name()), src.resolve("stray.rpm"));
        assertThatThrownBy(() -> ReleaseBuilder.plan(r))
                .isInstanceOf(SpecException.class).hasMessageContaining("(?? stray.rpm)");
    }

    /** release plans its arches from one read of the tree and its git state; a plan per arch is what it was. */
    @Test
    void thePlansOfSeveralArchesShareOneReadOfTheTree() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("src"));
        Path other = TestPackages.sampleRepo(tmp.resolve("other"));
        ReleaseTag tag = ReleaseTag.parse("v1.14.1");
        java.util.List<ReleaseBuilder.Request> rs = java.util.List.of(
                new ReleaseBuilder.Request(src, tag, Arch.X86_64, null, tmp.resolve("o"), Compression.parse("zstd:3")),
                new ReleaseBuilder.Request(src, tag, Arch.AARCH64, null, tmp.resolve("o"), Compression.parse("zstd:3")),
                new ReleaseBuilder.Request(other, tag, Arch.AARCH64, null, tmp.resolve("o"),
                        Compression.parse("zstd:3")));
        java.util.List<ReleaseBuilder.Plan> plans = ReleaseBuilder.plan(rs);
        assertThat(plans.get(1).git()).isSameAs(plans.get(0).git());
        assertThat(plans.get(1).tree()).isSameAs(plans.get(0).tree());
        assertThat(plans.get(2).tree().root()).isEqualTo(other);
        for (int i = 0; i < rs.size(); i++) {
            ReleaseBuilder.Plan alone = ReleaseBuilder.plan(rs.get(i));
            assertThat(plans.get(i).git()).isEqualTo(alone.git());
            assertThat(plans.get(i).steps()).isEqualTo(alone.steps());
            assertThat(plans.get(i).packages()).isEqualTo(alone.packages());
            assertThat(plans.get(i).arch()).isEqualTo(rs.get(i).arch());
        }
    }
}
