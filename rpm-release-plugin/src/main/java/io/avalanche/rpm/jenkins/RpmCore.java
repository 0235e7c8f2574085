package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.publish.PendingPublish;
import io.avalanche.rpm.yum.Repomd;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.publish.YumRepository;
import io.avalanche.rpm.release.ReleaseBuilder;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.release.ReleasePlan;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.release.SigningApproval;
import io.avalanche.rpm.release.builder.BuilderImage;
import io.avalanche.rpm.sign.MainHeaders;
import io.avalanche.rpm.sign.Pkcs11Token;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SignResult;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.sign.TokenKeys;
import io.avalanche.rpm.validate.CheckOutcome;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The plugin's only door into rpm-core: plain Java values in and out (maps, lists, strings, byte arrays), so the
 * steps only translate Jenkins input and output, and an rpm-core rename is an edit here and nowhere else.
 * Every method but {@link Key} may run on an agent inside a callable; every rpm-core failure is an
 * {@link RpmException} whose message names the file, the field and the fix.
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
        ReleasePlan p = ReleasePlan.of(tag, pullRequest, archs);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tag", p.tag());
        r.put("version", p.version());
        r.put("release", p.release());
        r.put("pullRequest", p.pullRequest());
        r.put("archs", new ArrayList<>(p.arches().stream().map(Arch::rpm).toList()));
        r.put("compression", p.compression().toString());
        r.put("publish", p.publish());
        List<Map<String, Object>> stages = new ArrayList<>();
        for (ReleasePlan.Stage s : p.stages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("perArch", s.perArch());
            stages.add(m);
        }
        r.put("stages", stages);
        return r;
    }

    /** The tag as given when it is a release tag (vMAJOR.MINOR.PATCH[-PRERELEASE]); else SpecException. */
    static String checkTag(String tag) {
        return ReleaseTag.parse(tag).tag();
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
        ReleaseBuilder.checkSource(source);
        ReleaseBuilder.SourceInfo info = ReleaseBuilder.sourceInfo(source);
        ReleaseTag t = ReleaseTag.parse(tag);
        ReleaseBuilder.Request request = new ReleaseBuilder.Request(source, t, Arch.parse(arch), null, out,
                parseCompression(compression, t.pullRequest()));
        ReleaseManifest m = ReleaseBuilder.packageRelease(request, info, log);
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

    /** Checks the parameters of a signing approval (tag, arch, optional VM ID); else RpmException naming the bad one. */
    static void checkApproval(String tag, String arch, String vmId) {
        if (tag == null || arch == null) {
            throw new SpecException("a signing approval needs tag and arch");
        }
        SigningApproval.forBuild(tag, arch, vmId);
    }

    /** name-version-release.arch of a main header (checked to be one); for records of signatures made without approval. */
    static String nevra(byte[] mainHeader) {
        Header h = MainHeaders.require(mainHeader, "main header from the agent");
        return h.string(Tag.NAME) + "-" + h.string(Tag.VERSION) + "-"
                + h.string(Tag.RELEASE) + "." + h.string(Tag.ARCH);
    }

    /**
     * The signing approval of a build (rpm-core's SigningApproval) applied to headers an agent sent: each must be
     * exactly a package of {@code tag} for {@code arch}, the plugin under {@code vmId}. Returns per header [file, name,
     * nevra, headerSha256]; throws RpmException naming the first refused field.
     */
    static List<Map<String, String>> approve(String tag, String arch, String vmId, Map<String, byte[]> headers) {
        List<Map<String, String>> r = new ArrayList<>();
        for (SigningApproval.Approved a : SigningApproval.forBuild(tag, arch, vmId).approveAll(headers)) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("file", a.fileName());
            m.put("name", a.name());
            m.put("nevra", a.nevra());
            m.put("headerSha256", a.headerSha256());
            r.add(m);
        }
        return r;
    }

    /** The index of a repository directory (as rpm-core names the directories it asks to sign). */
    static String repomdPath(String dir) {
        return dir + YumRepository.REPOMD;
    }

    /** An unlocked signing key. It lives on the controller only: not Serializable, so it cannot reach an agent. */
    static final class Key {
        private final SigningKey key;

        private Key(SigningKey key) {
            this.key = key;
        }

        /** One OpenPGP v4 signature packet over exactly these main header bytes. */
        byte[] sign(byte[] mainHeaderBytes) {
            // the key signs RPM main headers only, never arbitrary bytes from an agent
            MainHeaders.require(mainHeaderBytes, "main header from the agent");
            return key.headerSigner().sign(mainHeaderBytes);
        }

        /**
         * The ASCII-armored detached signature over exactly these repomd.xml bytes (repomd.xml.asc); refuses bytes
         * that are not a repository index as rpm-core writes it (the key signs indexes, not whatever an agent sends).
         */
        byte[] signRepository(String dir, byte[] repomd) {
            Repomd.parseCanonical(repomd, repomdPath(dir));
            return RepoSigner.of(key.headerSigner()).signDetached(repomd);
        }

        String keyId() {
            return key.keyId();
        }

        String fingerprint() {
            return key.fingerprint();
        }

        boolean ephemeral() {
            return key.ephemeral();
        }

        /** Where the private key is: "key file", "ephemeral" or the PKCS#11 token and key labels. */
        String holder() {
            return key.holder();
        }

        /** Ends the token session of a PKCS#11 key (nothing to do for other keys). */
        void close() {
            key.close();
        }

        /** The ASCII-armored public key (published as RPM-GPG-KEY-avalanchego). */
        byte[] publicKey() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            key.exportPublicKey(out);
            return out.toByteArray();
        }
    }

    /** Loads an armored secret key; {@code source} names it in messages (never the key or the passphrase). */
    static Key loadKey(InputStream armored, char[] passphrase, String source) {
        return new Key(SigningKeys.load(armored, passphrase, source));
    }

    /**
     * A key inside a PKCS#11 token attached to the controller: loads the module here, logs in with {@code pin}
     * (cleared afterwards), and binds the armored certificate, which must hold the token key's public key.
     */
    static Key tokenKey(Path module, String token, String keyLabel, char[] pin, InputStream certificate,
                        String certificateSource) {
        Pkcs11Token t;
        try {
            t = Pkcs11Token.open(module, token, pin, false);
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
        try {
            return new Key(TokenKeys.bind(certificate, certificateSource, t.signer(keyLabel)));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A fresh in-memory RSA-4096 key that expires after one day. */
    static Key ephemeralKey() {
        return new Key(SigningKeys.ephemeral());
    }

    /**
     * The main header of a package exactly as stored (what its signature covers), after rpm-core's checks that a
     * header-only signature of it is sound (stated header digest right, payload digest present).
     */
    static byte[] headerToSign(Path rpm) {
        return RpmSigner.headerToSign(rpm).headerBytes();
    }

    /** SHA-256 (hex) of bytes, e.g. of the header the controller signed. */
    static String sha256(byte[] data) {
        return Digests.sha256Hex(data);
    }

    /**
     * Writes a signature made elsewhere into the package, in place; refuses when the package's main header no
     * longer has the SHA-256 {@code signedHeaderSha256} (of the bytes the controller signed).
     */
    static Map<String, Object> applySignature(Path rpm, byte[] signaturePacket, String signedHeaderSha256) {
        SignResult r = RpmSigner.applySignature(rpm, signaturePacket, signedHeaderSha256);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", PathNames.name(rpm));
        m.put("inPlace", r.inPlace());
        m.put("headerSha256", r.headerSha256());
        m.put("size", r.fileSize());
        return m;
    }

    /**
     * After signing, as ReleasePipeline.sign does: re-hashes every file release.json lists and adds the public key
     * file, so publish's digest check holds (no-op without release.json).
     */
    static void refreshManifest(Path dir) {
        if (Files.isRegularFile(dir.resolve(ReleaseManifest.FILE_NAME))) {
            ReleaseManifest refreshed = ReleaseManifest.read(dir).refresh(dir, ReleaseManifest.KEY_FILE);
            if (refreshed.files().isEmpty()) {
                throw new RpmException(dir.resolve(ReleaseManifest.FILE_NAME) + " lists no files: rebuild the release");
            }
        }
    }

    /**
     * A publish prepared on the agent: packages uploaded, metadata files stored, no index written. {@code pending}
     * is rpm-core's PendingPublish as JSON (plain text crosses remoting; rpm-core classes would not pass the
     * controller's class filter); {@code toSign} maps each repository directory to its new repomd.xml bytes.
     */
    record PreparedPublish(String pending, LinkedHashMap<String, byte[]> toSign) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The canonical s3://BUCKET[/prefix] of a bucket and prefix, checked by rpm-core; else SpecException. */
    static String destination(String bucket, String prefix) {
        return Destinations.s3(bucket, prefix).url();
    }

    /**
     * Phase 1 of rpmPublish (agent): everything up to, not including, writing repomd.xml.asc / repomd.xml, to the
     * bucket and prefix with the AWS settings withAWS set.
     */
    static PreparedPublish preparePublish(Path releaseDir, String bucket, String prefix, Map<String, String> awsEnv,
                                          boolean force, Consumer<String> log) throws IOException {
        try (Publisher publisher = publisher(Destinations.s3(bucket, prefix), awsEnv, log)) {
            PendingPublish p = publisher.prepare(releaseDir, Publisher.Options.defaults(null).withForce(force));
            return new PreparedPublish(p.toJson(), new LinkedHashMap<>(p.toSign()));
        }
    }

    /**
     * Phase 2 of rpmPublish (agent): writes each repomd.xml.asc ({@code signatures}: repository directory to the
     * armored signature over its {@link PreparedPublish#toSign()} bytes; empty: unsigned) and repomd.xml, removes
     * the old metadata, writes the .repo file. Fails (re-run publish) when another publish changed an index since
     * phase 1. Returns the vocabulary of {@code publish --json} (objects with lower-case status, repositories,
     * repoFile) plus destination, signed, and per repository signed.
     */
    static Map<String, Object> completePublish(String pending, String bucket, String prefix,
                                               Map<String, String> awsEnv, Map<String, byte[]> signatures,
                                               Consumer<String> log) throws IOException {
        Destinations.Destination destination = Destinations.s3(bucket, prefix);
        Publisher.Result result;
        try (Publisher publisher = publisher(destination, awsEnv, log)) {
            result = publisher.complete(PendingPublish.fromJson(pending), signatures);
        }
        return result.toMap();
    }

    /** An object's publish status as the CLI's --json and console write it: uploaded, unchanged, replaced, ... */
    static String status(Enum<?> status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static Publisher publisher(Destinations.Destination destination, Map<String, String> awsEnv,
                                       Consumer<String> log) {
        return Publisher.open(destination, S3Settings.fromEnvironment(awsEnv),
                o -> log.accept(status(o.status()) + " " + o.location() + ": " + o.detail()), log);
    }

    /**
     * Validates a release (a directory, file:DIR or s3://BUCKET[/prefix], as rpm-core parses it) in a fresh
     * container of {@code image} with the docker CLI of the machine this runs on; writes JUnit XML when {@code junit}
     * is not null. Returns the vocabulary of {@code validate --json} (release, target, arch, emulated, passed,
     * checks with lower-case status) plus failures (one line per failed check) and summary (the console lines).
     */
    static Map<String, Object> validate(String from, Path workDir, String image, String commit, String tag, String arch,
                                        Map<String, String> awsEnv, Map<String, String> dockerEnv, Path junit)
            throws IOException {
        ReleaseRef ref = new ReleaseRef(tag, arch);
        ContainerTarget.Engine d = ContainerTarget.Engine.dockerCli();
        ValidationOptions options = ValidationOptions.of(ref, commit).withInstall(
                new ValidationOptions.Container(image, new ContainerTarget.Engine(d.docker(), dockerEnv, d.stepTimeout())));
        ValidationReport report;
        try (ReleaseSource source = ReleaseSource.open(from, S3Settings.fromEnvironment(awsEnv))) {
            report = new Validator(options).validate(source, workDir);
        }
        if (junit != null) {
            report.writeJUnit(junit);
        }
        List<String> failures = new ArrayList<>();
        for (CheckOutcome c : report.failures()) {
            failures.add(c.packageName() + " " + c.check() + ": " + c.message());
        }
        Map<String, Object> r = new LinkedHashMap<>(report.toMap());
        r.put("failures", failures);
        r.put("summary", new ArrayList<>(report.summaryLines()));
        return r;
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
