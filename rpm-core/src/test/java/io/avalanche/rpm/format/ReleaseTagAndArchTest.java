package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseTagAndArchTest {
    @Test
    void mapsReleaseTags() {
        ReleaseTag t = ReleaseTag.parse("v1.14.1");
        assertThat(t.version()).isEqualTo("1.14.1");
        assertThat(t.release()).isEqualTo("1");
        assertThat(t.pullRequest()).isFalse();
        assertThat(t.fileName("avalanchego", Arch.X86_64)).isEqualTo("avalanchego-v1.14.1-x86_64.rpm");
        assertThat(ReleaseTag.parse("v1.14.1-rc.2").version()).isEqualTo("1.14.1~rc.2");
        ReleaseTag pr = ReleaseTag.forPullRequest("0123456789abcdef0123456789abcdef01234567");
        assertThat(pr.tag()).isEqualTo("v0.0.0-pr.0123456789ab");
        assertThat(pr.version()).isEqualTo("0.0.0~pr.0123456789ab");
        assertThat(pr.pullRequest()).isTrue();
        assertThat(ReleaseTag.parse("v0.0.0-pr.abc1234").pullRequest()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "latest", "1.14.1", "v1.14", "v1.2.3;rm -rf /", "v1.2.3 ", "v1.2.3-",
            "v1.2.3-rc..1", "v1.2.3-rc_1", "v1.2.3\n", "V1.2.3", "v1.2.3-rc.1/../x", "v01.2.3-$(id)"})
    void refusesBadTags(String tag) {
        assertThatThrownBy(() -> ReleaseTag.parse(tag)).isInstanceOf(SpecException.class)
                .hasMessageContaining("tag");
    }

    @Test
    void refusesBadPullRequestShas() {
        assertThatThrownBy(() -> ReleaseTag.forPullRequest("xyz")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> ReleaseTag.forPullRequest("abc")).isInstanceOf(SpecException.class);
    }

    @Test
    void mapsArchitectures() {
        assertThat(Arch.parse("x86_64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.parse("amd64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.parse("aarch64")).isEqualTo(Arch.AARCH64);
        assertThat(Arch.parse("arm64")).isEqualTo(Arch.AARCH64);
        assertThat(Arch.X86_64.docker()).isEqualTo("amd64");
        assertThat(Arch.AARCH64.docker()).isEqualTo("arm64");
        assertThat(Arch.AARCH64.rpm()).isEqualTo("aarch64");
        assertThatThrownBy(() -> Arch.parse("ppc64le")).isInstanceOf(SpecException.class)
                .hasMessageContaining("ppc64le");
        assertThatThrownBy(() -> Arch.parse("i386")).isInstanceOf(SpecException.class);
    }
}
