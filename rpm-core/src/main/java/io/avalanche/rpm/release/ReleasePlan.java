package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a CI release run does, decided before any machine is used, for front ends that run the stages themselves
 * (the Jenkins library): the tag and its version-release (a pull-request run takes its synthetic tag from the
 * commit later, when the build reads it), the arches (default: every arch the preset is released for), the
 * compression, and the stages in the order {@link ReleasePipeline} runs them. A pull-request run publishes nothing.
 */
public record ReleasePlan(String tag, String version, String release, boolean pullRequest, List<Arch> arches,
                          Compression compression, List<Stage> stages) {
    /** The arches the avalanchego preset is released for, in build order. */
    public static final List<Arch> RELEASE_ARCHES = List.of(Arch.X86_64, Arch.AARCH64);

    /** One stage: its name, and whether it runs once per arch or once for the whole release. */
    public record Stage(String name, boolean perArch) {
    }

    /** Package the upstream build's binaries (per arch, in the builder container). */
    public static final String BUILD = "build";
    /** Sign every package with one key (per arch, on the build's agent; the key stays with the signer). */
    public static final String SIGN = "sign";
    /** Validate the release directory before anything is published (per arch). */
    public static final String VALIDATE = "validate";
    /** Publish every arch (once, only when every arch validated). */
    public static final String PUBLISH = "publish";
    /** Validate the published release (per arch). */
    public static final String VALIDATE_PUBLISHED = "validate-published";

    public ReleasePlan {
        arches = List.copyOf(arches);
        stages = List.copyOf(stages);
    }

    /**
     * The plan for a release of {@code tag}, or for a pull-request smoke build ({@code pullRequest}, no tag), on
     * {@code arches} (null or empty: {@link #RELEASE_ARCHES}; x86_64/amd64/aarch64/arm64 accepted). Refuses, naming
     * the fix: a missing or invalid tag, a tag on a pull-request run, a pull-request tag on a release run, an
     * unknown arch or noarch.
     */
    public static ReleasePlan of(String tag, boolean pullRequest, List<String> arches) {
        List<Arch> a = arches(arches);
        Compression compression = Compression.forRelease(pullRequest);
        if (pullRequest) {
            if (tag != null && !tag.isBlank()) {
                throw new SpecException("a pull-request build takes its tag from the commit (v0.0.0-pr.<12 hex "
                        + "digits>); do not give tag '" + tag + "'");
            }
            return new ReleasePlan(null, null, null, true, a, compression,
                    List.of(new Stage(BUILD, true), new Stage(SIGN, true), new Stage(VALIDATE, true)));
        }
        if (tag == null || tag.isBlank()) {
            throw new SpecException("no tag: a release build needs the tag to release, e.g. v1.14.1 (a pushed tag "
                    + "sets TAG_NAME; a manual build takes the TAG parameter)");
        }
        ReleaseTag t = ReleaseTag.parse(tag);
        if (t.pullRequest()) {
            throw new SpecException("tag " + t.tag() + " has the form of a pull-request smoke build "
                    + "(v0.0.0-pr.<sha>), which is never released; tag the release vMAJOR.MINOR.PATCH");
        }
        return new ReleasePlan(t.tag(), t.version(), t.release(), false, a, compression,
                List.of(new Stage(BUILD, true), new Stage(SIGN, true), new Stage(VALIDATE, true),
                        new Stage(PUBLISH, false), new Stage(VALIDATE_PUBLISHED, true)));
    }

    /**
     * The channel the release is published in ({@code stable}, {@code testing}, {@code fuji}, {@code experimental}:
     * the one rule of {@link io.avalanche.rpm.format.Channel}); null for a pull-request run.
     */
    public String channel() {
        return tag == null ? null : ReleaseTag.parse(tag).channel().id();
    }

    /**
     * JSON-ready, the vocabulary of the Jenkins rpmPlan step: tag, version, release, pullRequest, archs [RPM names],
     * compression, publish, stages [{name, perArch}].
     */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("tag", tag);
        r.put("version", version);
        r.put("release", release);
        r.put("pullRequest", pullRequest);
        r.put("archs", arches.stream().map(Arch::rpm).toList());
        r.put("compression", compression.toString());
        r.put("publish", publish());
        r.put("stages", stages.stream().map(s -> {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("name", s.name());
            m.put("perArch", s.perArch());
            return m;
        }).toList());
        return r;
    }

    /** True when the run publishes (release builds only). */
    public boolean publish() {
        return stages.stream().anyMatch(s -> s.name().equals(PUBLISH));
    }

    private static List<Arch> arches(List<String> given) {
        if (given == null || given.isEmpty()) {
            return RELEASE_ARCHES;
        }
        LinkedHashSet<Arch> r = new LinkedHashSet<>();
        for (String s : given) {
            Arch a = Arch.parse(s);
            if (!RELEASE_ARCHES.contains(a)) {
                throw new SpecException("arch '" + s + "' is not released; use " + names());
            }
            r.add(a);
        }
        return new ArrayList<>(r);
    }

    private static String names() {
        return String.join(" or ", RELEASE_ARCHES.stream().map(Arch::rpm).toList());
    }
}
