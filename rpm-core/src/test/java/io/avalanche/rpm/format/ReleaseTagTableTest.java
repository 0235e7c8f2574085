package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every tag form upstream pushes, mapped as nfpm's rpm packager maps them (semver split, '~' before the
 * pre-release, '-' inside it written '_', release 1), and what semver refuses, refused with the rule.
 */
class ReleaseTagTableTest {
    @ParameterizedTest(name = "{0} -> {1}-{2}")
    @CsvSource({
        "v1.14.1,            1.14.1,              avalanchego-v1.14.1-x86_64.rpm",
        "v1.14.1-rc.2,       1.14.1~rc.2,         avalanchego-v1.14.1-rc.2-x86_64.rpm",
        "v1.14.2-rc.20,      1.14.2~rc.20,        avalanchego-v1.14.2-rc.20-x86_64.rpm",
        "v1.15.0-fuji,       1.15.0~fuji,         avalanchego-v1.15.0-fuji-x86_64.rpm",
        "v1.15.0-fuji-rc.4,  1.15.0~fuji_rc.4,    avalanchego-v1.15.0-fuji-rc.4-x86_64.rpm",
        "v1.14.2-firewood,   1.14.2~firewood,     avalanchego-v1.14.2-firewood-x86_64.rpm",
        "v1.14.0-fuji-l1-backport-rc.0, 1.14.0~fuji_l1_backport_rc.0, avalanchego-v1.14.0-fuji-l1-backport-rc.0-x86_64.rpm",
        "v0.0.1-maru-test,   0.0.1~maru_test,     avalanchego-v0.0.1-maru-test-x86_64.rpm",
        "v10.0.0,            10.0.0,              avalanchego-v10.0.0-x86_64.rpm",
        "v1.2.3-0,           1.2.3~0,             avalanchego-v1.2.3-0-x86_64.rpm",
        "v1.2.3-rc.0a,       1.2.3~rc.0a,         avalanchego-v1.2.3-rc.0a-x86_64.rpm",
        "v1.2.3--x,          1.2.3~_x,            avalanchego-v1.2.3--x-x86_64.rpm",
        "v0.0.0-pr.0123456789ab, 0.0.0~pr.0123456789ab, avalanchego-v0.0.0-pr.0123456789ab-x86_64.rpm"})
    void mapsAsNfpm(String tag, String version, String file) {
        ReleaseTag t = ReleaseTag.parse(tag);
        assertThat(t.version()).isEqualTo(version);
        assertThat(t.release()).isEqualTo("1");
        assertThat(t.tag()).isEqualTo(tag);
        assertThat(t.fileName("avalanchego", Arch.X86_64)).isEqualTo(file);
        assertThat(t.pullRequest()).isEqualTo(tag.startsWith("v0.0.0-pr."));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "v01.2.3          | leading zero",
        "v1.02.3          | leading zero",
        "v1.2.03          | leading zero",
        "v1.2.3-rc.01     | leading zero",
        "v1.2.3-01        | leading zero",
        "v1.2.3-          | empty pre-release",
        "v1.2.3-rc..1     | empty identifier",
        "v1.2.3-.rc       | empty identifier",
        "v1.2.3-rc.       | empty identifier",
        "v1.2.3+build.5   | build metadata",
        "v1.2.3-rc.1+abc  | build metadata",
        "v1.2.3-rc_1      | semver 2.0.0",
        "v1.2             | semver 2.0.0",
        "1.2.3            | semver 2.0.0",
        "V1.2.3           | semver 2.0.0",
        "v1.2.3-rc.1/../x | semver 2.0.0",
        "v1.2.3;id        | semver 2.0.0"})
    void refusesWithTheRule(String tag, String rule) {
        assertThatThrownBy(() -> ReleaseTag.parse(tag)).isInstanceOf(SpecException.class)
                .hasMessageContaining("invalid tag '" + tag + "'").hasMessageContaining(rule);
    }

    @Test
    void pullRequestTagsAcceptEveryShortSha() {
        // an all-digit short sha with a leading zero is not a semver numeric identifier, but is the synthetic tag
        ReleaseTag t = ReleaseTag.forPullRequest("0123456789010000000000000000000000000000");
        assertThat(t.tag()).isEqualTo("v0.0.0-pr.012345678901");
        assertThat(t.pullRequest()).isTrue();
        assertThat(ReleaseTag.parse(t.tag())).isEqualTo(t);
    }

    /** rpm itself orders the mapped versions as semver orders the tags (what `dnf upgrade` sees). */
    @Test
    void rpmOrdersTheVersionsAsSemverOrdersTheTags() {
        List<String> ascending = List.of("v1.14.1-rc.0", "v1.14.1-rc.2", "v1.14.1-rc.3", "v1.14.1", "v1.14.2-firewood",
                "v1.14.2-rc.2", "v1.14.2-rc.10", "v1.14.2", "v1.15.0-fuji", "v1.15.0-fuji-rc.0", "v1.15.0-fuji-rc.4",
                "v1.15.0");
        for (int i = 0; i + 1 < ascending.size(); i++) {
            String a = ReleaseTag.parse(ascending.get(i)).version() + "-1";
            String b = ReleaseTag.parse(ascending.get(i + 1)).version() + "-1";
            String cmp = Cmd.run("rpm", "--eval", "%{lua: print(rpm.vercmp('" + a + "', '" + b + "'))}").ok()
                    .output().trim();
            assertThat(cmp).as(a + " < " + b).isEqualTo("-1");
        }
    }
}
