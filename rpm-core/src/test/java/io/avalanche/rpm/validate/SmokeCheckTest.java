package io.avalanche.rpm.validate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The smoke test's reading of upstream's real --version formats, and of the plugin's install path. */
class SmokeCheckTest {
    static final String C = "0123456789abcdef0123456789abcdef01234567";
    static final String OTHER = "fedcba9876543210fedcba9876543210fedcba98";
    static final String BIN = "/var/opt/avalanchego/bin/avalanchego";
    static final String PLUGIN = "/var/opt/avalanchego/plugins/srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";

    @Test
    void avalanchegoRealFormat() {
        String real = "avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=" + C + ", go=1.23.9]\n";
        assertThat(SmokeCheck.avalanchego(BIN, 0, real, C).ok()).isTrue();
        assertThat(SmokeCheck.avalanchego(BIN, 0, real.replace(C, OTHER), C).ok()).isFalse();
        assertThat(SmokeCheck.avalanchego(BIN, 1, real, C).message()).contains("exit 1");
        assertThat(SmokeCheck.avalanchego(BIN, 0, "Avalanche/1.14.1 [commit=" + C + "]", C).message())
                .contains("does not start with 'avalanchego/'");
        // a longer hash that merely starts with the commit is not the commit
        assertThat(SmokeCheck.avalanchego(BIN, 0, real.replace(C, C + "ab"), C).ok()).isFalse();
        // without a commit (GitCommit not set at build time) the real program prints no commit= at all
        assertThat(SmokeCheck.avalanchego(BIN, 0, "avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, go=1.23.9]",
                C).ok()).isFalse();
    }

    @Test
    void pluginRealFormatsOfEachEra() {
        String head = "Subnet-EVM/v1.14.2@" + C + " [rpcchainvm=44]\n";
        String v1141 = "Subnet-EVM/v0.8.0@" + C + " [AvalancheGo=v1.14.1, rpcchainvm=44]\n";
        String ours = "Subnet-EVM/v0.7.5 [AvalancheGo=v1.14.1, rpcchainvm=44, commit=" + C + "]\n";
        for (String ok : List.of(head, v1141, ours)) {
            assertThat(SmokeCheck.plugin(PLUGIN, 0, ok, C).ok()).as(ok).isTrue();
            assertThat(SmokeCheck.plugin(PLUGIN, 0, ok.replace(C, OTHER), C).ok()).as(ok).isFalse();
            assertThat(SmokeCheck.plugin(PLUGIN, 0, ok.replace(C, C + "0"), C).ok()).as(ok).isFalse();
            assertThat(SmokeCheck.plugin(PLUGIN, 2, ok, C).ok()).isFalse();
        }
        assertThat(SmokeCheck.plugin(PLUGIN, 0, "Subnet-EVM/v1.14.2 [rpcchainvm=44]", C).message())
                .contains("Subnet-EVM/v1.14.2 [rpcchainvm=44]").contains("expected the built commit " + C);
        assertThat(SmokeCheck.plugin(PLUGIN, 0, "Subnet-EVM/v1.14.2 [rpcchainvm=44] " + C, C).ok())
                .as("the commit must follow '@' or 'commit='").isFalse();
    }

    @Test
    void pluginMustSitExactlyUnderTheVmId() {
        assertThat(SmokeCheck.pluginPlacement(List.of(PLUGIN), PLUGIN, "release.json")).isNull();
        String other = "/var/opt/avalanchego/plugins/pkEmJQuTUic3dxzg8EYnktwn4W7uCHofNcwiYo458vodAUbY7";
        assertThat(SmokeCheck.pluginPlacement(List.of(other), PLUGIN, "release.json"))
                .contains("installs its plugin as " + other, "expected exactly " + PLUGIN, "release.json");
        assertThat(SmokeCheck.pluginPlacement(List.of(PLUGIN, other), PLUGIN, "x")).contains("expected exactly");
        assertThat(SmokeCheck.pluginPlacement(List.of(), PLUGIN, "x")).contains("installs no plugin");
    }
}
