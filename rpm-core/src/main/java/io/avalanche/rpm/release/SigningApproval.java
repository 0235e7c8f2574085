package io.avalanche.rpm.release;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.DirEntry;
import io.avalanche.rpm.write.FileEntry;
import io.avalanche.rpm.write.InstallPath;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderFiles;
import io.avalanche.rpm.format.HeaderEntry;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.sign.MainHeaders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides whether a key holder (the Jenkins controller) may sign a main header that an untrusted party (an agent)
 * sent: only when the header describes exactly one package this build may release. That is: name avalanchego or
 * subnet-evm, version and release as the tag maps them, the requested arch, no epoch, exactly the avalanchego
 * preset's files with their modes (root-owned, no links), the subnet-evm plugin under the VM ID read at build time,
 * no scriptlets, triggers or other tags the writer never writes, no conflicts or obsoletes, provides only itself and
 * requires only glibc and rpmlib features. The optional avalanchego-service package (noarch, built from no agent
 * input) is approved only when its header is exactly the one this build's tag makes, but for the compressed payload's
 * digest (the content is pinned by the uncompressed archive's digest and every file's). Every refusal is an
 * {@link RpmException} naming the field, what the header says and what this build expects.
 */
public final class SigningApproval {
    /** S_IFDIR | 0755 and S_IFREG, as the writer records a package's directories and regular files. */
    private static final int DIRECTORY = 040755;
    private static final int REGULAR = 0100000;
    private static final String ROOT = "root";
    private static final Set<String> NAMES = Set.of(AvalanchegoPreset.AVALANCHEGO, AvalanchegoPreset.SUBNET_EVM);
    private static final Set<Integer> FORBIDDEN = Set.of(Tag.EPOCH.id(), Tag.CONFLICTNAME.id(),
            Tag.OBSOLETENAME.id());
    /** Scriptlets and ordering hints: the writer writes them for the service package only. */
    private static final Set<Integer> SCRIPTLETS = Set.of(Tag.PREIN.id(), Tag.POSTIN.id(), Tag.PREUN.id(),
            Tag.POSTUN.id(), Tag.PREINPROG.id(), Tag.POSTINPROG.id(), Tag.PREUNPROG.id(), Tag.POSTUNPROG.id(),
            Tag.ORDERNAME.id(), Tag.ORDERFLAGS.id(), Tag.ORDERVERSION.id());

    private final ReleaseTag tag;
    private final Arch arch;
    private final String vmId;

    private SigningApproval(ReleaseTag tag, Arch arch, String vmId) {
        this.tag = tag;
        this.arch = arch;
        this.vmId = vmId;
    }

    /**
     * The approval for one build: its tag (vX.Y.Z[-PRE], or a pull-request tag), its arch and the VM ID the build
     * read from the source tree (null: subnet-evm headers are refused). Refuses a bad tag, arch or VM ID.
     */
    public static SigningApproval forBuild(String tag, String arch, String vmId) {
        return forBuild(tag, null, arch, vmId);
    }

    /** As {@link #forBuild(String, String, String)} for RPM Release {@code release} of the tag (a respin; null: 1). */
    public static SigningApproval forBuild(String tag, String release, String arch, String vmId) {
        ReleaseTag t = release == null ? ReleaseTag.parse(tag) : ReleaseTag.parse(tag).withRelease(release);
        Arch a = Arch.parse(arch);
        if (a == Arch.NOARCH) {
            throw new RpmException("signing approval: arch noarch is not a release arch: give x86_64 or aarch64");
        }
        if (vmId != null) {
            AvalanchegoPreset.pluginPath(vmId);   // refuses anything but a cb58 VM ID
        }
        return new SigningApproval(t, a, vmId);
    }

    /** An approved header: package name, NEVRA as rpm prints it, and the SHA-256 (hex) of the exact bytes. */
    public record Approved(String fileName, String name, String nevra, String headerSha256) {
    }

    /**
     * Approves every header of one signing request (file name to main header bytes), in order; refuses the whole
     * request when any header is refused.
     */
    public List<Approved> approveAll(Map<String, byte[]> headers) {
        if (headers.isEmpty()) {
            throw new RpmException("signing approval: no headers to sign");
        }
        // file names must be the packages' own (name-tag-arch.rpm), so a request holds each package at most once
        List<Approved> approved = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : headers.entrySet()) {
            approved.add(approve(e.getKey(), e.getValue()));
        }
        return approved;
    }

    /** Approves one header sent as {@code fileName}; throws when it is not exactly a package of this build. */
    public Approved approve(String fileName, byte[] mainHeader) {
        Header h = MainHeaders.require(mainHeader, fileName + ": main header");
        String name = h.string(Tag.NAME);
        if (AvalanchegoService.NAME.equals(name)) {
            return ServiceApproval.approve(tag, fileName, h, mainHeader);
        }
        if (!NAMES.contains(name)) {
            throw refuse(fileName, "name", name, String.join(" or ", new TreeSet<>(NAMES)));
        }
        same(fileName, "version", h.string(Tag.VERSION), tag.version());
        same(fileName, "release", h.string(Tag.RELEASE), tag.release());
        same(fileName, "arch", h.string(Tag.ARCH), arch.rpm());
        same(fileName, "os", h.string(Tag.OS), "linux");
        same(fileName, "file name", fileName, tag.fileName(name, arch));
        for (HeaderEntry e : h.entries()) {
            if (SCRIPTLETS.contains(e.tag())) {
                throw new RpmException(fileName + ": header has tag " + e.tag() + " (" + Tag.byId(e.tag()) + "); "
                        + name + " has no scriptlets");
            }
            if (FORBIDDEN.contains(e.tag())) {
                throw new RpmException(fileName + ": header has " + Tag.byId(e.tag()) + "; " + name + " of "
                        + tag.tag() + " has none");
            }
            if (Tag.byId(e.tag()) == null) {
                throw new RpmException(fileName + ": header has tag " + e.tag() + ", which rpm-release never writes "
                        + "(scriptlets, triggers and unknown tags are refused)");
            }
        }
        files(fileName, name, h);
        relations(fileName, name, h);
        return new Approved(fileName, name, MainHeaders.nevra(h), Digests.sha256Hex(mainHeader));
    }

    /**
     * The files (install path to mode, S_IFDIR/S_IFREG included) the preset's package {@code name} has in this
     * build, in path order, as the writer lays them out.
     */
    public Map<String, Integer> expectedFiles(String name) {
        Path none = Path.of("unused");
        Compression c = Compression.defaults();
        PackageSpec spec;
        if (AvalanchegoPreset.AVALANCHEGO.equals(name)) {
            spec = AvalanchegoPreset.avalanchego(tag, arch, none, 0, c);
        } else if (AvalanchegoPreset.SUBNET_EVM.equals(name)) {
            if (vmId == null) {
                throw new RpmException("signing approval: a subnet-evm package needs the VM ID the build read "
                        + "(graft/subnet-evm/scripts/constants.sh); none was given");
            }
            spec = AvalanchegoPreset.subnetEvm(tag, arch, none, vmId, 0, c);
        } else {
            throw new RpmException("signing approval: no package " + name + " in the avalanchego preset");
        }
        Map<String, Integer> files = new TreeMap<>();
        for (DirEntry d : spec.directories()) {
            files.put(d.path(), d.fileMode());
        }
        for (FileEntry f : spec.files()) {
            for (String d : InstallPath.ownedAncestors(f.path())) {
                files.putIfAbsent(d, DIRECTORY);
            }
        }
        for (FileEntry f : spec.files()) {
            files.put(f.path(), REGULAR | f.mode());
        }
        return files;
    }

    private void files(String fileName, String name, Header h) {
        List<String> paths = HeaderFiles.paths(h, fileName);
        long[] modes = h.numbers(Tag.FILEMODES);
        String[] users = h.strings(Tag.FILEUSERNAME);
        String[] groups = h.strings(Tag.FILEGROUPNAME);
        String[] links = h.strings(Tag.FILELINKTOS);
        for (long f : h.numbers(Tag.FILEFLAGS)) {
            if (f != 0) {
                throw new RpmException(fileName + ": a file has FILEFLAGS " + f + " (%config, %ghost, ...); " + name
                        + " has none");
            }
        }
        int n = paths.size();
        if (modes.length != n || users.length != n || groups.length != n || links.length != n) {
            throw new RpmException(fileName + ": file lists of different lengths (" + n + " names, " + modes.length
                    + " modes, " + users.length + " users, " + groups.length + " groups, " + links.length
                    + " link targets)");
        }
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String path = paths.get(i);
            if (actual.put(path, (int) (modes[i] & 0xffff)) != null) {
                throw new RpmException(fileName + ": " + path + " is listed twice");
            }
            if (!ROOT.equals(users[i]) || !ROOT.equals(groups[i])) {
                throw new RpmException(fileName + ": " + path + " is owned by " + users[i] + ":" + groups[i]
                        + ", expected root:root");
            }
            if (!links[i].isEmpty()) {
                throw new RpmException(fileName + ": " + path + " is a link to " + links[i] + "; " + name
                        + " has no links");
            }
        }
        Map<String, Integer> expected = expectedFiles(name);
        for (Map.Entry<String, Integer> e : actual.entrySet()) {
            Integer want = expected.get(e.getKey());
            if (want == null) {
                throw new RpmException(fileName + ": " + e.getKey() + " is not a file of " + name + " "
                        + tag.tag() + "; expected exactly " + describe(expected));
            }
            if (want.intValue() != e.getValue()) {
                throw new RpmException(fileName + ": " + e.getKey() + " has mode " + Integer.toOctalString(e.getValue())
                        + ", expected " + Integer.toOctalString(want));
            }
        }
        for (String path : expected.keySet()) {
            if (!actual.containsKey(path)) {
                throw new RpmException(fileName + ": " + path + " is missing; expected exactly " + describe(expected));
            }
        }
    }

    private static void relations(String fileName, String name, Header h) {
        String[] provides = h.strings(Tag.PROVIDENAME);
        for (String p : provides) {
            if (!p.equals(name) && !p.startsWith(name + "(")) {
                throw new RpmException(fileName + ": provides " + p + "; " + name + " provides only itself");
            }
        }
        for (String r : h.strings(Tag.REQUIRENAME)) {
            if (!r.equals("glibc") && !r.startsWith("rpmlib(")) {
                throw new RpmException(fileName + ": requires " + r + "; " + name + " requires only glibc and "
                        + "rpmlib features");
            }
        }
    }

    private static void same(String fileName, String field, String actual, String expected) {
        if (!expected.equals(actual)) {
            throw refuse(fileName, field, actual, expected);
        }
    }

    private static RpmException refuse(String fileName, String field, String actual, String expected) {
        return new RpmException(fileName + ": " + field + " is '" + printable(actual) + "', this build may sign only "
                + expected);
    }

    private static String describe(Map<String, Integer> files) {
        List<String> l = new ArrayList<>();
        files.forEach((p, m) -> l.add(p + " " + Integer.toOctalString(m)));
        return String.join(", ", l);
    }

    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0x20 || c[i] == 0x7f) {
                c[i] = '?';
            }
        }
        String r = new String(c);
        return r.length() > 80 ? r.substring(0, 80) + "..." : r;
    }

    @Override
    public String toString() {
        return "SigningApproval[" + tag.tag() + " " + arch.rpm() + (vmId == null ? "" : " vmId " + vmId) + "]";
    }
}
