package io.avalanche.rpm.validate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-run validation script: arguments never become shell text, and only well-formed frames count. */
class ContainerScriptTest {
    private static final List<List<String>> COMMANDS = List.of(List.of("uname", "-m"),
            List.of("rpm", "-K", "/rpms/a'b $(x).rpm"), List.of("/bin/prog", "--version"));

    @Test
    void argumentsTravelAsPositionalParametersOnly() {
        ContainerScript.Rendered r = ContainerScript.render(COMMANDS, List.of(List.of(), List.of(0), List.of(0, 1)));
        assertThat(r.args()).containsExactly("uname", "-m", "rpm", "-K", "/rpms/a'b $(x).rpm", "/bin/prog",
                "--version");
        assertThat(r.script()).doesNotContain("a'b").doesNotContain("rpm -K").doesNotContain("/bin/prog")
                .contains("p 0 1 && s 2 \"${6}\" \"${7}\"");
    }

    @Test
    void parsesFramesAndStopsAtTheFirstMalformedOne() {
        String out = "noise\n" + ContainerScript.BEGIN + "\n" + frame(0, 0, "x86_64\n")
                + frame(1, 1, "@@rpm-release-step 2 0\n" + ContainerScript.END + "\n") + "@@rpm-release-step 2 0\n"
                + "!!not base64!!\n" + frame(2, 0, "late\n") + ContainerScript.END + "\n";
        ContainerScript.Parsed p = ContainerScript.parse(out, COMMANDS);
        assertThat(p.started()).isTrue();
        assertThat(p.finished()).isFalse();
        assertThat(p.results()).containsOnlyKeys(0, 1);
        assertThat(p.results().get(1).exitCode()).isEqualTo(1);
        assertThat(p.results().get(1).output()).startsWith("@@rpm-release-step 2 0\n");
        assertThat(p.results().get(1).command()).isEqualTo(COMMANDS.get(1));
    }

    @Test
    void aRunThatNeverStartedOrEndedEarlyIsSaidSo() {
        assertThat(ContainerScript.parse("Error: no such image\n", COMMANDS).started()).isFalse();
        ContainerScript.Parsed early = ContainerScript.parse(ContainerScript.BEGIN + "\n" + frame(0, 0, "x"),
                COMMANDS);
        assertThat(early.started()).isTrue();
        assertThat(early.finished()).isFalse();
        assertThat(early.results()).containsOnlyKeys(0);
        ContainerScript.Parsed whole = ContainerScript.parse(ContainerScript.BEGIN + "\n" + frame(0, 0, "")
                + frame(2, 0, "v\n") + ContainerScript.END + "\n", COMMANDS);
        assertThat(whole.finished()).isTrue();
        assertThat(whole.results().get(0).output()).isEmpty();
        assertThat(whole.results()).containsOnlyKeys(0, 2);
    }

    private static String frame(int n, int status, String output) {
        String b64 = Base64.getMimeEncoder().encodeToString(output.getBytes(StandardCharsets.UTF_8));
        return ContainerScript.STEP + n + " " + status + "\n" + (b64.isEmpty() ? "" : b64 + "\n");
    }

    @Test
    void stepsMayNeedOnlyEarlierSteps() {
        Step a = new Step("a", new Step.IsExecutable("/bin/sh"));
        Step b = new Step("b", new Step.IsExecutable("/bin/sh"), "a");
        Step.checkOrder(List.of(a, b));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Step.checkOrder(List.of(b, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b' needs 'a'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Step.checkOrder(List.of(a, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("used twice");
    }
}
