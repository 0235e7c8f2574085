package io.avalanche.rpm.release.builder;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The builder image: rockylinux:9 (glibc 2.34) with gcc, git and one Go release for one TARGETARCH,
 * tagged {@code rpm-release-builder:go<version>-<targetarch>} so agents reuse it.
 */
public record BuilderImage(GoVersion goVersion, Arch arch) {
    /** Repository part of every builder image tag. */
    public static final String REPOSITORY = "rpm-release-builder";
    /** Classpath location of the Dockerfile template (the shared library ships the same file). */
    public static final String TEMPLATE = "/io/avalanche/rpm/release/builder/Dockerfile";
    private static final String GO_ARG = "ARG GO_VERSION\n";

    public BuilderImage {
        if (arch == null || arch.docker() == null) {
            throw new SpecException("builder image needs x86_64 (amd64) or aarch64 (arm64), not " + arch);
        }
    }

    /** The image for the Go version a go.mod asks for, on this arch (x86_64/amd64 or aarch64/arm64). */
    public static BuilderImage forGoMod(String goModContent, String arch) {
        return new BuilderImage(GoMod.version(goModContent, "go.mod"), Arch.parse(arch));
    }

    /** Image tag, e.g. rpm-release-builder:go1.23.4-amd64. */
    public String tag() {
        return REPOSITORY + ":go" + goVersion + "-" + arch.docker();
    }

    /** Docker TARGETARCH of the image: amd64 or arm64. */
    public String targetArch() {
        return arch.docker();
    }

    /** {@code docker build} arguments that select the Go release and architecture. */
    public List<String> buildArgs() {
        return List.of("--build-arg", "GO_VERSION=" + goVersion, "--build-arg", "TARGETARCH=" + targetArch());
    }

    /** The Dockerfile with the Go version filled in as the default of its GO_VERSION argument. */
    public String dockerfile() {
        return dockerfile(goVersion.toString());
    }

    /** The Dockerfile for a Go version such as "1.23.4" (the "go" prefix is accepted). */
    public static String dockerfile(String goVersion) {
        String version = GoVersion.parse(goVersion).toString();
        String t = template();
        if (!t.contains(GO_ARG)) {
            throw new RpmException(TEMPLATE + ": the template lost its '" + GO_ARG.trim() + "' line");
        }
        return t.replace(GO_ARG, "ARG GO_VERSION=" + version + "\n");
    }

    /** The Dockerfile template exactly as shipped (GO_VERSION and TARGETARCH come from build arguments). */
    public static String template() {
        try (InputStream in = BuilderImage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new RpmException(TEMPLATE + " is missing from the rpm-core jar: rebuild rpm-core");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(TEMPLATE + ": cannot read: " + IoErrors.why(e), e);
        }
    }
}
