package io.avalanche.rpm.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.NewFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * release.json: what a release directory holds (tag, commit, arch or arches, the VM ID and where it was read,
 * whether the tree was clean and which safety overrides were given, files with sizes and SHA-256).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseManifest(String tag, String version, String release, String commit, long sourceDateEpoch,
                              String arch, String vmId, List<Artifact> files, List<String> arches, String vmIdSource,
                              Boolean dirty, List<String> overrides) {
    public static final String FILE_NAME = "release.json";
    /** The armored public key a release directory holds, beside its packages. */
    public static final String KEY_FILE = "RPM-GPG-KEY-avalanchego";

    /** One file of the release: file name, package name (null for non-packages), size and SHA-256. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String name, String packageName, long size, String sha256) {
    }

    /** The JSON mapper, made when release.json is first read or written (Jackson's start: ~60 ms in a fresh JVM). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Makes the JSON mapper and its serializer of manifests now, so that a first write later does not pay for them:
     * for a caller with time to spare (the release, while the signing key is still being generated).
     */
    public static void prepareJson() {
        try {
            Json.MAPPER.writeValueAsString(new ReleaseManifest("v0.0.0", "0.0.0", "1", "", 0, "noarch", null,
                    List.of(new Artifact("a", "a", 0, ""))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public ReleaseManifest {
        files = List.copyOf(files);
        arches = arches == null ? null : List.copyOf(arches);
        overrides = overrides == null || overrides.isEmpty() ? null : List.copyOf(overrides);
    }

    /** A single-arch manifest from a clean tree without overrides (the shape before safety checks were recorded). */
    public ReleaseManifest(String tag, String version, String release, String commit, long sourceDateEpoch,
                           String arch, String vmId, List<Artifact> files) {
        this(tag, version, release, commit, sourceDateEpoch, arch, vmId, files, null, null, null, null);
    }

    public ReleaseManifest withFiles(List<Artifact> newFiles) {
        return new ReleaseManifest(tag, version, release, commit, sourceDateEpoch, arch, vmId, newFiles, arches,
                vmIdSource, dirty, overrides);
    }

    /**
     * One manifest for several single-arch manifests of the same tag and commit: every file, {@code arches} lists
     * them and {@code arch} is null (one arch: that manifest unchanged).
     */
    public static ReleaseManifest combine(List<ReleaseManifest> perArch) {
        if (perArch.size() == 1) {
            return perArch.get(0);
        }
        ReleaseManifest first = perArch.get(0);
        List<Artifact> all = new java.util.ArrayList<>();
        perArch.forEach(m -> all.addAll(m.files()));
        return new ReleaseManifest(first.tag, first.version, first.release, first.commit, first.sourceDateEpoch, null,
                first.vmId, all, perArch.stream().map(ReleaseManifest::arch).toList(), first.vmIdSource, first.dirty,
                first.overrides);
    }

    /**
     * Re-reads sizes and SHA-256 of every listed file in dir (after signing changed them) and lists
     * {@code extra} files present there (such as the exported public key); writes release.json; returns it.
     */
    public ReleaseManifest refresh(Path dir, String... extra) {
        return rehash(dir, true, extra);
    }

    /** Adds (or replaces) the entry of one more file of dir, leaving the others' recorded digests; writes it. */
    public ReleaseManifest withFile(Path dir, String name) {
        return rehash(dir, false, name);
    }

    /**
     * Re-reads size and SHA-256 of exactly these files of dir (after signing changed them), adding those not listed
     * yet, leaving the other entries' recorded digests; writes release.json; returns it.
     */
    public ReleaseManifest withFiles(Path dir, List<String> names) {
        return rehash(dir, false, names.toArray(String[]::new));
    }

    private ReleaseManifest rehash(Path dir, boolean listed, String... extra) {
        java.util.LinkedHashMap<String, Artifact> byName = new java.util.LinkedHashMap<>();
        try {
            for (Artifact a : files) {
                Path f = dir.resolve(a.name());
                byName.put(a.name(), listed && Files.isRegularFile(f) ? artifact(f, a.name(), a.packageName()) : a);
            }
            for (String name : extra) {
                Path f = dir.resolve(name);
                if (Files.isRegularFile(f)) {
                    Artifact old = byName.get(name);
                    byName.put(name, artifact(f, name, old == null ? null : old.packageName()));
                }
            }
        } catch (IOException e) {
            throw new RpmException(dir + ": cannot refresh " + FILE_NAME + ": " + IoErrors.why(e), e);
        }
        ReleaseManifest m = withFiles(List.copyOf(byName.values()));
        m.write(dir);
        return m;
    }

    private static Artifact artifact(Path f, String name, String packageName) throws IOException {
        return new Artifact(name, packageName, Files.size(f), Digests.hex(Digests.sha256(f)));
    }

    /** Writes release.json atomically into dir. */
    public void write(Path dir) {
        Path target = dir.resolve(FILE_NAME);
        try {
            NewFiles.replace(target, tmp -> Json.MAPPER.writeValue(tmp.toFile(), this));
        } catch (IOException e) {
            throw new RpmException(target + ": cannot write: " + IoErrors.why(e), e);
        }
    }

    /** Reads release.json from a release directory. */
    public static ReleaseManifest read(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            throw new RpmException(dir + " is not a release directory: " + FILE_NAME + " is missing (run build first)");
        }
        try {
            return Json.MAPPER.readValue(f.toFile(), ReleaseManifest.class);
        } catch (IOException e) {
            throw new RpmException(f + ": invalid release manifest: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
