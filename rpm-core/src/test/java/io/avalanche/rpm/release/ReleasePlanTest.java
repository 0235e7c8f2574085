package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plan a CI front end asks for before using any machine: tag, arches, compression, stages. */
class ReleasePlanTest {

    @Test
    void aReleaseIsBuiltSignedValidatedPublishedAndValidatedAgainOnEveryReleaseArch() {
        ReleasePlan p = ReleasePlan.of("v1.15.0-fuji-rc.4", false, null);
        assertThat(p.tag()).isEqualTo("v1.15.0-fuji-rc.4");
        assertThat(p.version()).isEqualTo("1.15.0~fuji_rc.4");
        assertThat(p.release()).isEqualTo("1");
        assertThat(p.arches()).containsExactly(Arch.X86_64, Arch.AARCH64);
        assertThat(p.compression()).hasToString("zstd:19");
        assertThat(p.stages()).extracting(ReleasePlan.Stage::name)
                .containsExactly("build", "sign", "validate", "publish", "validate-published");
        assertThat(p.stages()).extracting(ReleasePlan.Stage::perArch).containsExactly(true, true, true, false, true);
        assertThat(p.publish()).isTrue();
    }

    @Test
    void aPullRequestPublishesNothingAndCompressesFast() {
        ReleasePlan p = ReleasePlan.of(null, true, List.of("arm64"));
        assertThat(p.tag()).isNull();
        assertThat(p.pullRequest()).isTrue();
        assertThat(p.arches()).containsExactly(Arch.AARCH64);
        assertThat(p.compression()).hasToString("zstd:3");
        assertThat(p.stages()).extracting(ReleasePlan.Stage::name).containsExactly("build", "sign", "validate");
        assertThat(p.publish()).isFalse();
    }

    @Test
    void archesAreNormalizedAndDeduplicated() {
        assertThat(ReleasePlan.of("v1.14.1", false, Arrays.asList("amd64", "x86_64", "aarch64")).arches())
                .containsExactly(Arch.X86_64, Arch.AARCH64);
    }

    @Test
    void refusalsNameTheFix() {
        assertThatThrownBy(() -> ReleasePlan.of(null, false, null)).isInstanceOf(SpecException.class)
                .hasMessageContaining("no tag: a release build needs the tag");
        assertThatThrownBy(() -> ReleasePlan.of("", false, null)).hasMessageContaining("no tag");
        assertThatThrownBy(() -> ReleasePlan.of("v1.2.3;rm -rf /", false, null)).hasMessageContaining("invalid tag");
        assertThatThrownBy(() -> ReleasePlan.of("v0.0.0-pr.0123456789ab", false, null))
                .hasMessageContaining("form of a pull-request smoke build");
        assertThatThrownBy(() -> ReleasePlan.of("v1.14.1", true, null))
                .hasMessageContaining("takes its tag from the commit");
        assertThatThrownBy(() -> ReleasePlan.of("v1.14.1", false, List.of("noarch")))
                .hasMessageContaining("arch 'noarch' is not released; use x86_64 or aarch64");
        assertThatThrownBy(() -> ReleasePlan.of("v1.14.1", false, List.of("s390x")))
                .hasMessageContaining("unknown architecture 's390x'");
    }
}
