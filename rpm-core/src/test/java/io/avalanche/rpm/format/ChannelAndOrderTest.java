package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one channel rule over upstream's real tag shapes, the way back from an RPM version to its tag, respin file
 * names, and our ordering of versions against rpm's own (rpm.vercmp as the oracle).
 */
class ChannelAndOrderTest {
    /** Every v1.14/v1.15 tag upstream has pushed (git tag -l 'v1.1[45]*' in ava-labs/avalanchego). */
    static final List<String> UPSTREAM = List.of("v1.14.0", "v1.14.0-fuji", "v1.14.0-fuji-l1-backport-rc.0",
            "v1.14.0-fuji-rc.0", "v1.14.0-fuji-rc.1", "v1.14.0-rc.0", "v1.14.1", "v1.14.1-antithesis-docker-image-fix",
            "v1.14.1-db-metrics-fix", "v1.14.1-randomize-compaction", "v1.14.1-rc.0", "v1.14.1-rc.1", "v1.14.1-rc.2",
            "v1.14.1-rc.3", "v1.14.1-set-with-bloom", "v1.14.2", "v1.14.2-firewood", "v1.14.2-rc.0", "v1.14.2-rc.1",
            "v1.14.2-rc.10", "v1.14.2-rc.11", "v1.14.2-rc.12", "v1.14.2-rc.13", "v1.14.2-rc.14", "v1.14.2-rc.15",
            "v1.14.2-rc.16", "v1.14.2-rc.17", "v1.14.2-rc.18", "v1.14.2-rc.19", "v1.14.2-rc.2", "v1.14.2-rc.20",
            "v1.14.2-rc.3", "v1.14.2-rc.4", "v1.14.2-rc.5", "v1.14.2-rc.6", "v1.14.2-rc.7", "v1.14.2-rc.8",
            "v1.14.2-rc.9", "v1.14.3-rc.0", "v1.14.3-rc.1", "v1.14.3-rc.2", "v1.15.0-fuji", "v1.15.0-fuji-rc.0",
            "v1.15.0-fuji-rc.4");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "v1.14.1, stable", "v1.14.2, stable", "v10.0.0, stable",
        "v1.14.1-rc.2, testing", "v1.14.3-rc.2, testing", "v1.14.2-rc.20, testing", "v1.2.3-RC.1, testing",
        "v1.15.0-fuji, fuji", "v1.15.0-fuji-rc.4, fuji", "v1.14.0-fuji-l1-backport-rc.0, fuji",
        "v1.14.2-firewood, experimental", "v1.14.1-db-metrics-fix, experimental", "v1.2.3-0, experimental",
        "v1.2.3-rcx, experimental", "v1.2.3--x, experimental", "v0.0.0-pr.0123456789ab, experimental"})
    void oneRuleClassifiesATag(String tag, String channel) {
        ReleaseTag t = ReleaseTag.parse(tag);
        assertThat(t.channel().id()).isEqualTo(channel);
        assertThat(Channel.ofVersion(t.version())).as("the same rule read from the RPM version").isEqualTo(t.channel());
        assertThat(ReleaseTag.fromVersion(t.version(), "1")).contains(t);
    }

    @Test
    void everyUpstreamTagIsClassifiedAndOnlyPlainVersionsAreStable() {
        for (String tag : UPSTREAM) {
            ReleaseTag t = ReleaseTag.parse(tag);
            assertThat(t.channel().stable()).as(tag).isEqualTo(!tag.contains("-"));
            assertThat(ReleaseTag.fromVersion(t.version(), "1")).as(tag).contains(t);
        }
    }

    @Test
    void respinsAreNamedApartFromEveryTag() {
        ReleaseTag r = ReleaseTag.parse("v1.14.1").withRelease("2");
        assertThat(r.version()).isEqualTo("1.14.1");
        assertThat(r.release()).isEqualTo("2");
        assertThat(r.fileName("avalanchego", Arch.X86_64)).isEqualTo("avalanchego-v1.14.1_2-x86_64.rpm");
        assertThat(ReleaseTag.parse("v1.14.1").withRelease("1").fileName("subnet-evm", Arch.AARCH64))
                .isEqualTo("subnet-evm-v1.14.1-aarch64.rpm");
        // v1.14.1-2 is a tag of its own (pre-release "2"): its file name is not the respin's
        assertThat(ReleaseTag.parse("v1.14.1-2").fileName("avalanchego", Arch.X86_64))
                .isNotEqualTo(r.fileName("avalanchego", Arch.X86_64));
        assertThat(ReleaseTag.fromVersion("1.14.1", "2")).contains(r);
        assertThat(ReleaseTag.fromVersion("1.14.1", "1.el9")).isEmpty();
        assertThat(ReleaseTag.fromVersion("2.34", "1")).isEmpty();
        for (String bad : new String[] {"0", "02", "-1", "x", "1.1", ""}) {
            assertThatThrownBy(() -> ReleaseTag.parse("v1.14.1").withRelease(bad)).isInstanceOf(SpecException.class)
                    .hasMessageContaining("--release");
        }
    }

    @Test
    void versionsOrderAsRpmOrdersThem() {
        String[] v = {"1.14.1", "1.14.2", "1.14.2~rc.1", "1.14.2~rc.20", "1.14.2~rc.3", "1.15.0~fuji_rc.4",
            "1.15.0~fuji", "1.14.3~rc.2", "1.14.10", "1.14.2^post1", "1.14.2^", "1.0a", "1.0", "1.0.a", "1.0_1",
            "01.2", "1.2", "1.2~~", "1.2~", "2.0b", "2.0.1", "1:1.0", "1.14.2-1", "1.14.2-2", "abc", "1..2",
            "1.14.2~rc.2_1", "10", "9", "a", "A", "1.0~a", "1.0~b", "é1", ""};
        List<String> pairs = new ArrayList<>();
        StringBuilder lua = new StringBuilder("%{lua: ");
        for (String a : v) {
            for (String b : v) {
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                pairs.add(a + " " + b);
                lua.append("print(rpm.vercmp('").append(a).append("','").append(b).append("')) ");
            }
        }
        lua.append("}");
        Cmd.Result r = Cmd.run("rpm", "--eval", lua.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        String out = r.output().replace("\n", "");
        List<Integer> theirs = new ArrayList<>();
        for (int i = 0; i < out.length(); ) {
            if (out.charAt(i) == '-') {
                theirs.add(-Integer.parseInt(out.substring(i + 1, i + 2)));
                i += 2;
            } else {
                theirs.add(Integer.parseInt(out.substring(i, i + 1)));
                i++;
            }
        }
        assertThat(theirs).hasSize(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            String[] ab = pairs.get(i).split(" ");
            // rpm.vercmp compares [epoch:]version[-release] strings as rpm does: Evr.parse + compareTo
            assertThat(Integer.signum(Evr.parse(ab[0]).compareTo(Evr.parse(ab[1]))))
                    .as("vercmp(%s, %s)", ab[0], ab[1]).isEqualTo(theirs.get(i));
            if (!ab[0].contains(":") && !ab[0].contains("-") && !ab[1].contains(":") && !ab[1].contains("-")) {
                assertThat(Evr.vercmp(ab[0], ab[1])).as("vercmp(%s, %s)", ab[0], ab[1]).isEqualTo(theirs.get(i));
            }
        }
        assertThat(Evr.parse("1:1.0-1")).isGreaterThan(Evr.parse("2.0-1"));
        assertThat(Evr.parse("1.14.1-2")).isGreaterThan(Evr.parse("1.14.1-1"));
        assertThat(Evr.parse("1.14.1-1").toString()).isEqualTo("1.14.1-1");
    }
}
