package io.avalanche.rpm.release.builder;

import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoModTest {

    @ParameterizedTest(name = "go {0} -> {1}")
    @CsvSource({
            "1.23, 1.23.0",
            "1.23.4, 1.23.4",
            "1.21, 1.21.0",
            "1.20, 1.20",
            "1.19.13, 1.19.13",
            "1.21rc2, 1.21rc2",
            "1.24beta1, 1.24beta1",
    })
    void goDirectiveAlone(String directive, String expected) {
        assertThat(GoMod.parse("module github.com/ava-labs/avalanchego\n\ngo " + directive + "\n")).isEqualTo(expected);
    }

    @Test
    void newerToolchainWins() {
        String mod = """
                module github.com/ava-labs/avalanchego

                go 1.23

                toolchain go1.23.4

                require (
                	github.com/stretchr/testify v1.9.0
                )
                """;
        assertThat(GoMod.parse(mod)).isEqualTo("1.23.4");
    }

    @Test
    void olderToolchainLoses() {
        assertThat(GoMod.parse("module m\ngo 1.24.1\ntoolchain go1.23.9\n")).isEqualTo("1.24.1");
    }

    @Test
    void toolchainReleaseBeatsItsReleaseCandidateAndTheBareLanguageVersion() {
        assertThat(GoMod.parse("module m\ngo 1.22rc1\ntoolchain go1.22.0\n")).isEqualTo("1.22.0");
        assertThat(GoMod.parse("module m\ngo 1.22\ntoolchain go1.22rc1\n")).isEqualTo("1.22.0");
    }

    @Test
    void commentsCrlfAndToolchainSuffixesAreHandled() {
        String mod = "// go 1.99\r\nmodule m // go 1.98\r\ngo 1.22.3 // minimum\r\ntoolchain go1.22.5-boringcrypto\r\n";
        assertThat(GoMod.parse(mod)).isEqualTo("1.22.5");
    }

    @Test
    void toolchainDefaultMeansTheGoDirective() {
        assertThat(GoMod.parse("module m\ngo 1.21.3\ntoolchain default\n")).isEqualTo("1.21.3");
    }

    @Test
    void requireLinesMentioningGoAreNotDirectives() {
        assertThat(GoMod.parse("module m\ngo 1.22.1\nrequire (\n\tgolang.org/x/go v1.0.0\n\tgo.uber.org/zap v1.27.0\n)\n"))
                .isEqualTo("1.22.1");
    }

    @Test
    void missingGoDirectiveNamesTheFix() {
        assertThatThrownBy(() -> GoMod.parse("module m\ntoolchain go1.23.4\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("go.mod")
                .hasMessageContaining("no 'go' directive")
                .hasMessageContaining("go 1.23.4");
    }

    @Test
    void malformedVersionsNameTheLine() {
        assertThatThrownBy(() -> GoMod.parse("module m\n\ngo one.two\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("go.mod:3: invalid Go version 'one.two'");
        assertThatThrownBy(() -> GoMod.parse("module m\ngo 1.22\ntoolchain 1.23.0\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("go.mod:3:");
        assertThatThrownBy(() -> GoMod.parse("module m\ngo 1.22 1.23\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("malformed 'go' directive");
        assertThatThrownBy(() -> GoMod.parse("module m\ngo 1.22.0; curl evil\n"))
                .isInstanceOf(SpecException.class);
    }

    @Test
    void versionsOrderLikeTheGoToolchain() {
        assertThat(GoVersion.parse("1.21rc1")).isLessThan(GoVersion.parse("1.21.0"));
        assertThat(GoVersion.parse("1.21beta1")).isLessThan(GoVersion.parse("1.21rc1"));
        assertThat(GoVersion.parse("1.20")).isLessThan(GoVersion.parse("1.20.1"));
        assertThat(GoVersion.parse("1.9.7")).isLessThan(GoVersion.parse("1.10"));
        assertThat(GoVersion.parse("go1.23.4")).isEqualByComparingTo(GoVersion.parse("1.23.4"));
    }
}
