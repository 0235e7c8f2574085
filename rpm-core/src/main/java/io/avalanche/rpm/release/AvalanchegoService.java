package io.avalanche.rpm.release;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.DirEntry;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.write.Scriptlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The optional avalanchego-service package (noarch, no ELF): a hardened systemd unit running the avalanchego
 * package's node as the system user avalanchego, its sysusers.d entry, /etc/avalanchego/config.json as
 * %config(noreplace), the data directory /var/lib/avalanchego, and the usual systemd scriptlets.
 */
public final class AvalanchegoService {
    public static final String NAME = "avalanchego-service";
    public static final String UNIT = "avalanchego.service";
    public static final String UNIT_PATH = "/usr/lib/systemd/system/" + UNIT;
    public static final String SYSUSERS_PATH = "/usr/lib/sysusers.d/avalanchego.conf";
    public static final String CONFIG_DIR = "/etc/avalanchego";
    public static final String CONFIG_PATH = CONFIG_DIR + "/config.json";
    public static final String DATA_DIR = "/var/lib/avalanchego";
    public static final String USER = "avalanchego";
    public static final String SUMMARY = "Systemd service for the AvalancheGo node";
    /** Lines of at most 79 characters (rpmlint's description-line-too-long). */
    public static final String DESCRIPTION = String.join("\n",
            "A systemd unit for the AvalancheGo node. It runs",
            AvalanchegoPreset.BIN_PATH + " as the system user " + USER + ",",
            "with its data in " + DATA_DIR + ",",
            "its plugins in " + AvalanchegoPreset.PLUGIN_DIR + " and its configuration",
            "in " + CONFIG_PATH + ". The unit is not enabled on install:",
            "systemctl enable --now " + UNIT);
    private static final String RESOURCES = "/io/avalanche/rpm/release/service/";

    private AvalanchegoService() {
    }

    /** A file of the package as shipped: avalanchego.service, avalanchego.sysusers, config.json, pre.sh, ... */
    public static String resource(String name) {
        try (InputStream in = AvalanchegoService.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCES + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name + ": " + IoErrors.why(e), e);
        }
    }

    /** The spec, its unit, sysusers entry and config written into {@code srcDir}; the shipped default config. */
    public static PackageSpec spec(ReleaseTag tag, long buildTime, Compression compression, Path srcDir) {
        return spec(tag, buildTime, compression, srcDir, resource("config.json"));
    }

    /** As {@link #spec(ReleaseTag, long, Compression, Path)} with another default config.json (tests). */
    public static PackageSpec spec(ReleaseTag tag, long buildTime, Compression compression, Path srcDir,
                                   String configJson) {
        return spec(tag, buildTime, compression, srcDir, configJson, resource("avalanchego.service"));
    }

    /** As {@link #spec(ReleaseTag, long, Compression, Path, String)} with another unit file (tests of the checks). */
    public static PackageSpec spec(ReleaseTag tag, long buildTime, Compression compression, Path srcDir,
                                   String configJson, String unitText) {
        Path unit = write(srcDir, UNIT, unitText);
        Path sysusers = write(srcDir, "avalanchego.conf", resource("avalanchego.sysusers"));
        Path config = write(srcDir, "config.json", configJson);
        PackageSpec.Builder b = AvalanchegoPreset.metadata(NAME, tag, Arch.NOARCH, buildTime, compression)
                .summary(SUMMARY).description(DESCRIPTION)
                .require(AvalanchegoPreset.AVALANCHEGO + " = " + tag.version() + "-" + tag.release())
                .require(Scriptlet.Phase.PRE, "shadow-utils")
                .orderWith(Scriptlet.Phase.POST, "systemd")
                .orderWith(Scriptlet.Phase.PREUN, "systemd")
                .orderWith(Scriptlet.Phase.POSTUN, "systemd")
                .file(new FileEntry(unit, UNIT_PATH, 0644))
                .file(new FileEntry(sysusers, SYSUSERS_PATH, 0644))
                .file(new FileEntry(config, CONFIG_PATH, 0644).config(true))
                .directory(DirEntry.of(CONFIG_DIR))
                .directory(new DirEntry(DATA_DIR, 0755, USER, USER))
                .directory(DirEntry.of(AvalanchegoPreset.PLUGIN_DIR));
        for (Scriptlet.Phase p : Scriptlet.Phase.values()) {
            b.script(Scriptlet.shell(p, resource(p.word() + ".sh")));
        }
        return b.build();
    }

    /**
     * Writes the package into {@code dir} as {@code <name>-<tag>-noarch.rpm} (signed as it is written when
     * {@code signer} is given) and returns its manifest entry.
     */
    public static ReleaseManifest.Artifact write(ReleaseTag tag, long buildTime, Compression compression, Path dir,
                                                 RpmWriter.SignatureFiller signer, Consumer<String> log) {
        Path src = null;
        try {
            src = Files.createTempDirectory("rpm-release-service-");
            PackageSpec s = spec(tag, buildTime, compression, src);
            String name = tag.fileName(NAME, Arch.NOARCH);
            log.accept("packaging " + name + " (" + compression + ")");
            Path rpm = RpmWriter.write(s, dir, name, n -> { }, signer);
            return new ReleaseManifest.Artifact(name, NAME, Files.size(rpm), Digests.hex(Digests.sha256(rpm)));
        } catch (IOException e) {
            throw new RpmException(dir + ": cannot write the " + NAME + " package: " + IoErrors.why(e), e);
        } finally {
            OutputDir.deleteTree(src);
        }
    }

    /**
     * Adds the (unsigned) package to a release directory that {@code m} describes, built at the release's source
     * date with {@code compression}; writes and returns the updated release.json (the Jenkins rpmBuild step).
     */
    public static ReleaseManifest addTo(Path dir, ReleaseManifest m, Compression compression, Consumer<String> log) {
        ReleaseTag tag = ReleaseTag.parse(m.tag());
        java.util.List<ReleaseManifest.Artifact> files = new java.util.ArrayList<>(m.files().stream()
                .filter(a -> !NAME.equals(a.packageName())).toList());
        files.add(write(tag, m.sourceDateEpoch(), compression, dir, null, log));
        ReleaseManifest out = m.withFiles(files);
        out.write(dir);
        return out;
    }

    private static Path write(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write " + name + ": " + IoErrors.why(e), e);
        }
    }
}
