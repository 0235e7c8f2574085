package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.release.AvalanchegoService;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.release.ReleasePlan;
import io.avalanche.rpm.release.builder.BuilderImage;
import io.avalanche.rpm.write.Compression;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The plugin's door into rpm-core for plans, tags and packaging; {@link RpmCoreKeys} (keys and signing),
 * {@link RpmCorePublish} (publish, prune, yank, unyank) and {@link RpmCoreValidate} are the others. Plain Java values
 * in and out (maps, lists, strings, byte arrays), so the steps only translate Jenkins input and output, and an
 * rpm-core rename is an edit in these classes and nowhere else. Every rpm-core failure is an
 * {@link io.avalanche.rpm.RpmException} whose message names the file, the field and the fix.
 */
final class RpmCore {
    private RpmCore() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    /**
     * What a release run does, as rpm-core decides it before any agent is used: [tag, version, release, pullRequest,
     * archs, compression, publish, stages: [[name, perArch], ...]]; a pull-request plan has no tag (rpmBuild takes it
     * from the commit). Refuses (SpecException) a missing or invalid tag, an unknown arch.
     */
    static Map<String, Object> plan(String tag, boolean pullRequest, List<String> archs) {
        return plain(ReleasePlan.of(tag, pullRequest, archs).toMap());
    }

    /** The tag as given when it is a release tag (vMAJOR.MINOR.PATCH[-PRERELEASE]); else SpecException. */
    static String checkTag(String tag) {
        return ReleaseTag.parse(tag).tag();
    }

    /** The tag as RPM Release {@code release} (null: as parsed, Release 1): rpm-core checks both; else SpecException. */
    static ReleaseTag releaseTag(String tag, String release) {
        ReleaseTag t = ReleaseTag.parse(tag);
        return release == null ? t : t.withRelease(release);
    }

    /** Checks a respin's RPM Release (a whole number from 1) against a tag; else SpecException naming the fix. */
    static void checkRelease(String tag, String release) {
        releaseTag(tag, release);
    }

    /** RPM arch name (x86_64, aarch64) for x86_64/amd64/aarch64/arm64; else SpecException. */
    static String rpmArch(String arch) {
        return Arch.parse(arch).rpm();
    }

    /** RPM arch of the machine this runs on (call it on the agent). */
    static String hostArch() {
        return Arch.host().rpm();
    }

    /** The build outputs rpmBuild packages, relative to the source tree (what the library's build sh writes). */
    static final List<String> BUILD_OUTPUTS = List.of(ReleaseBuilder.AVALANCHEGO_OUTPUT, ReleaseBuilder.PLUGIN_OUTPUT);

    /** Checks a source tree has the preset's build scripts and VM ID; else SpecException naming what is missing. */
    static void checkSource(Path source) {
        ReleaseBuilder.checkSource(source);
    }

    /**
     * Refuses (SpecException) a tag that does not point at the checked-out commit, as the engine's release does: a
     * manual TAG build never packages a branch head. A workspace with untracked files only warns (Jenkins leaves its
     * own files there); returns the warnings to print.
     */
    static List<String> checkTag(Path source, String tag, String arch) {
        ReleaseBuilder.Request r = new ReleaseBuilder.Request(source, ReleaseTag.parse(tag), Arch.parse(arch), null,
                null, Compression.defaults(), null, new ReleaseBuilder.Checks(true, false));
        return ReleaseBuilder.plan(r).overrides().stream().map(o -> "WARNING: " + o).toList();
    }

    /** The compression as rpm-core reads it, checked (null or blank: rpm-core's release default); else SpecException. */
    static String checkCompression(String compression) {
        return parseCompression(compression, false).toString();
    }

    /**
     * True when the compression (null or blank: rpm-core's default for a release or a pull-request build) is zstd,
     * which needs zstd-jni's native library.
     */
    static boolean isZstd(String compression, boolean pullRequest) {
        return parseCompression(compression, pullRequest).algorithm() == Compression.Algorithm.ZSTD;
    }

    /** What rpmBuild packages with when zstd cannot load on the agent: xz, which RHEL 9's rpm reads as well. */
    static final String ZSTD_FALLBACK = "xz";

    private static Compression parseCompression(String compression, boolean pullRequest) {
        return compression == null || compression.isBlank() ? Compression.forRelease(pullRequest)
                : Compression.parse(compression);
    }

    /**
     * Packages the built binaries (build/avalanchego, build/subnet-evm) of a source tree into {@code out} (RPMs +
     * release.json), reading the commit and its time with git. Compression null: rpm-core's default for the tag
     * (zstd-19 for a release, zstd-3 for a pull-request tag). Returns release.json's fields (the vocabulary of
     * {@code build --json}) plus compression and dir.
     */
    static Map<String, Object> packageRelease(Path source, String tag, String arch, Path out, String compression,
                                              Consumer<String> log) {
        return packageRelease(source, tag, null, arch, out, compression, false, log);
    }

    /**
     * As above; {@code release} (null: 1) is the RPM Release, a respin's N (rpm-core's ReleaseTag.withRelease);
     * {@code withService} adds the noarch avalanchego-service package (unsigned, like the others).
     */
    static Map<String, Object> packageRelease(Path source, String tag, String release, String arch, Path out,
                                              String compression, boolean withService, Consumer<String> log) {
        ReleaseBuilder.checkSource(source);
        ReleaseBuilder.SourceInfo info = ReleaseBuilder.sourceInfo(source);
        ReleaseTag t = releaseTag(tag, release);
        ReleaseBuilder.Request request = new ReleaseBuilder.Request(source, t, Arch.parse(arch), null, out,
                parseCompression(compression, t.pullRequest()));
        ReleaseManifest m = ReleaseBuilder.packageRelease(request, info, log);
        if (withService) {
            m = AvalanchegoService.addTo(out, m, request.compression(), log);
        }
        Map<String, Object> r = JSON.convertValue(m, MAP);
        r.put("compression", request.compression().toString());
        r.put("dir", out.toString());
        return r;
    }

    /**
     * The tag to package: {@code tag} as given, or with {@code pullRequest} (and no tag) the pull-request tag of the
     * checked-out commit, v0.0.0-pr.&lt;12 hex digits&gt; (git runs here, on the agent).
     */
    static String tagToPackage(Path source, String tag, boolean pullRequest) {
        if (tag != null) {
            return ReleaseTag.parse(tag).tag();
        }
        if (!pullRequest) {
            throw new SpecException("no tag: give tag, or pullRequest: true for a pull-request build");
        }
        return ReleaseTag.forPullRequest(ReleaseBuilder.sourceInfo(source).commit()).tag();
    }

    /** SHA-256 (hex) of bytes, e.g. of the header the controller signed. */
    static String sha256(byte[] data) {
        return Digests.sha256Hex(data);
    }

    /** A status as the CLI's --json and console write it: uploaded, unchanged, replaced, passed, ... */
    static String status(Enum<?> status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A result map of rpm-core (toMap()) with the same keys and values in plain LinkedHashMap / ArrayList containers,
     * which the Pipeline program and remoting keep as they are.
     */
    static Map<String, Object> plain(Map<String, ?> map) {
        Map<String, Object> r = new LinkedHashMap<>();
        map.forEach((k, v) -> r.put(k, plainValue(v)));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Object plainValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return plain((Map<String, ?>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            l.forEach(x -> r.add(plainValue(x)));
            return r;
        }
        return v;
    }

    /** The builder image for a go.mod on an arch: tag, Go version, TARGETARCH and docker build arguments. */
    static Map<String, Object> builderImage(String goMod, String arch) {
        BuilderImage b = BuilderImage.forGoMod(goMod, arch);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tag", b.tag());
        r.put("goVersion", b.goVersion().toString());
        r.put("targetArch", b.targetArch());
        r.put("buildArgs", new ArrayList<>(b.buildArgs()));
        return r;
    }
}
