package io.avalanche.rpm.release.builder;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuilderImageTest {

    @Test
    void tagNamesGoVersionAndDockerArch() {
        assertThat(BuilderImage.forGoMod("module m\ngo 1.23\ntoolchain go1.23.4\n", "x86_64").tag())
                .isEqualTo("rpm-release-builder:go1.23.4-amd64");
        assertThat(BuilderImage.forGoMod("module m\ngo 1.23\n", "aarch64").tag())
                .isEqualTo("rpm-release-builder:go1.23.0-arm64");
        assertThat(BuilderImage.forGoMod("module m\ngo 1.23\n", "arm64").targetArch()).isEqualTo("arm64");
    }

    @Test
    void buildArgsSelectGoAndArch() {
        assertThat(BuilderImage.forGoMod("module m\ngo 1.22.8\n", "amd64").buildArgs())
                .containsExactly("--build-arg", "GO_VERSION=1.22.8", "--build-arg", "TARGETARCH=amd64");
    }

    @Test
    void noarchAndUnknownArchesAreRefused() {
        assertThatThrownBy(() -> BuilderImage.forGoMod("module m\ngo 1.22.8\n", "noarch"))
                .isInstanceOf(SpecException.class).hasMessageContaining("amd64");
        assertThatThrownBy(() -> BuilderImage.forGoMod("module m\ngo 1.22.8\n", "s390x"))
                .isInstanceOf(SpecException.class).hasMessageContaining("s390x");
    }

    @Test
    void dockerfileIsRocky9WithToolsAndTheRequestedGo() {
        String df = BuilderImage.dockerfile("1.23.4");
        List<String> lines = df.lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("FROM ")).containsExactly("FROM rockylinux:9");
        assertThat(lines).contains("ARG GO_VERSION=1.23.4", "ARG TARGETARCH");
        assertThat(df).contains("install gcc", " git ")
                .contains("https://dl.google.com/go/go${GO_VERSION}.linux-${TARGETARCH}.tar.gz")
                .contains("sha256sum -c")
                .contains("GOTOOLCHAIN=local")
                .contains("PATH=/usr/local/go/bin:");
        assertThat(BuilderImage.dockerfile("go1.23")).contains("ARG GO_VERSION=1.23.0\n");
        assertThat(BuilderImage.template().lines()).contains("ARG GO_VERSION").noneMatch(l -> l.startsWith("ARG GO_VERSION="));
    }

    @Test
    void dockerfileRefusesVersionsThatAreNotGoReleases() {
        assertThatThrownBy(() -> BuilderImage.dockerfile("1.23.4\nRUN curl evil")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> BuilderImage.dockerfile("latest")).isInstanceOf(SpecException.class);
    }

    /** Every RUN instruction must be valid POSIX shell: /bin/sh -n is the oracle. */
    @Test
    void runInstructionsAreValidShell() throws Exception {
        List<String> runs = runInstructions(BuilderImage.dockerfile("1.23.4"));
        assertThat(runs).hasSize(2);
        for (String script : runs) {
            assertThat(sh("-n", "-c", script)).as("sh -n over: %s", script).isZero();
        }
        assertThat(sh("-n", "-c", "case x in a) ;; esac; if then fi")).as("the oracle can fail").isNotZero();
    }

    /** The guard in the first RUN rejects an unknown TARGETARCH and a missing GO_VERSION before installing anything. */
    @Test
    void guardsRejectBadBuildArguments() throws Exception {
        String first = runInstructions(BuilderImage.template()).get(0);
        String guard = first.substring(0, first.indexOf("dnf "));
        assertThat(shWithEnv(guard + "echo ok", "GO_VERSION=1.23.4", "TARGETARCH=amd64")).isZero();
        assertThat(shWithEnv(guard + "echo ok", "GO_VERSION=1.23.4", "TARGETARCH=s390x")).isNotZero();
        assertThat(shWithEnv(guard + "echo ok", "GO_VERSION=", "TARGETARCH=arm64")).isNotZero();
    }

    private static List<String> runInstructions(String dockerfile) {
        List<String> runs = new ArrayList<>();
        StringBuilder current = null;
        for (String line : dockerfile.lines().toList()) {
            if (current == null && line.startsWith("RUN ")) {
                current = new StringBuilder();
                line = line.substring(4);
            } else if (current == null) {
                continue;
            }
            boolean more = line.endsWith("\\");
            current.append(more ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!more) {
                runs.add(current.toString().trim());
                current = null;
            }
        }
        return runs;
    }

    private static int sh(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh"));
        cmd.addAll(List.of(args));
        return Cmd.exec(cmd, null, Map.of(), null, false, Duration.ofSeconds(30)).exitCode();
    }

    private static int shWithEnv(String script, String goVersion, String targetArch) {
        return Cmd.exec(List.of("/bin/sh", "-c", script), null, Map.of(
                "GO_VERSION", goVersion.substring(goVersion.indexOf('=') + 1),
                "TARGETARCH", targetArch.substring(targetArch.indexOf('=') + 1)), null, false, Duration.ofSeconds(30))
                .exitCode();
    }
}
