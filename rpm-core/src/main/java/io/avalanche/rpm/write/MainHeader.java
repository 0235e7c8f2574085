package io.avalanche.rpm.write;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The main header of a package: metadata, file list, scriptlets, dependencies and payload description. */
final class MainHeader {
    private MainHeader() {
    }

    static Header build(PackageSpec s, List<PayloadNode> nodes, String[] digests, String payloadDigest,
                        String payloadAlt) {
        Header.Builder h = Header.builder();
        h.strings(Tag.HEADERI18NTABLE, "C");
        h.string(Tag.NAME, s.name()).string(Tag.VERSION, s.version()).string(Tag.RELEASE, s.release());
        if (s.epoch() != null) {
            h.int32(Tag.EPOCH, s.epoch());
        }
        h.strings(Tag.SUMMARY, s.summary()).strings(Tag.DESCRIPTION, s.description());
        h.int32(Tag.BUILDTIME, (int) s.buildTime()).string(Tag.BUILDHOST, s.buildHost());
        long total = 0;
        for (PayloadNode n : nodes) {
            total += n.size();
        }
        h.int32(Tag.SIZE, (int) total);
        if (!s.vendor().isEmpty()) {
            h.string(Tag.VENDOR, s.vendor());
        }
        h.string(Tag.LICENSE, s.license());
        if (!s.packager().isEmpty()) {
            h.string(Tag.PACKAGER, s.packager());
        }
        h.strings(Tag.GROUP, s.group());
        if (!s.url().isEmpty()) {
            h.string(Tag.URL, s.url());
        }
        h.string(Tag.OS, "linux").string(Tag.ARCH, s.arch().rpm());
        for (Scriptlet sc : s.scripts()) {
            h.string(sc.phase().bodyTag(), sc.body()).string(sc.phase().programTag(), sc.interpreter());
        }
        fileTags(h, s, nodes, digests);
        h.string(Tag.SOURCERPM, s.name() + "-" + s.version() + "-" + s.release() + ".src.rpm");
        dependencies(h, Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION, provides(s));
        dependencies(h, Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION, requires(s));
        dependencies(h, Tag.ORDERNAME, Tag.ORDERFLAGS, Tag.ORDERVERSION, s.orders());
        h.string(Tag.RPMVERSION, "rpm-release-0.1.0");
        if (!s.changelog().isEmpty()) {
            int n = s.changelog().size();
            int[] t = new int[n];
            String[] a = new String[n];
            String[] x = new String[n];
            for (int i = 0; i < n; i++) {
                t[i] = (int) s.changelog().get(i).time();
                a[i] = s.changelog().get(i).author();
                x[i] = s.changelog().get(i).text();
            }
            h.int32(Tag.CHANGELOGTIME, t).strings(Tag.CHANGELOGNAME, a).strings(Tag.CHANGELOGTEXT, x);
        }
        h.string(Tag.PAYLOADFORMAT, "cpio");
        if (s.compression().algorithm() != Compression.Algorithm.NONE) {
            h.string(Tag.PAYLOADCOMPRESSOR, s.compression().algorithm().rpmName());
            h.string(Tag.PAYLOADFLAGS, Integer.toString(s.compression().level()));
        }
        if (s.arch() != Arch.NOARCH) {
            h.string(Tag.PLATFORM, s.arch().rpm() + "-redhat-linux-gnu");
        } else {
            h.string(Tag.PLATFORM, "noarch-redhat-linux-gnu");
        }
        h.int32(Tag.FILEDIGESTALGO, 8);
        h.string(Tag.ENCODING, "utf-8");
        h.strings(Tag.PAYLOADDIGEST, payloadDigest);
        h.int32(Tag.PAYLOADDIGESTALGO, 8);
        h.strings(Tag.PAYLOADDIGESTALT, payloadAlt);
        return h.build();
    }

    private static void fileTags(Header.Builder h, PackageSpec s, List<PayloadNode> nodes, String[] digests) {
        int n = nodes.size();
        int[] sizes = new int[n];
        short[] modes = new short[n];
        short[] rdevs = new short[n];
        int[] mtimes = new int[n];
        String[] linktos = new String[n];
        int[] flags = new int[n];
        String[] users = new String[n];
        String[] groups = new String[n];
        int[] verify = new int[n];
        int[] devices = new int[n];
        int[] inodes = new int[n];
        String[] langs = new String[n];
        int[] dirIndexes = new int[n];
        String[] basenames = new String[n];
        Map<String, Integer> dirs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            PayloadNode node = nodes.get(i);
            sizes[i] = (int) node.size();
            modes[i] = (short) node.mode();
            mtimes[i] = (int) s.buildTime();
            linktos[i] = node.linkTarget();
            flags[i] = node.flags();
            users[i] = node.user();
            groups[i] = node.group();
            verify[i] = node.verifyFlags();
            devices[i] = 1;
            inodes[i] = i + 1;
            langs[i] = "";
            String parent = InstallPath.parent(node.path());
            String dirname = parent.equals("/") ? "/" : parent + "/";
            dirIndexes[i] = dirs.computeIfAbsent(dirname, k -> dirs.size());
            basenames[i] = node.path().substring(node.path().lastIndexOf('/') + 1);
        }
        h.int32(Tag.FILESIZES, sizes).int16(Tag.FILEMODES, modes).int16(Tag.FILERDEVS, rdevs)
                .int32(Tag.FILEMTIMES, mtimes).strings(Tag.FILEDIGESTS, digests).strings(Tag.FILELINKTOS, linktos)
                .int32(Tag.FILEFLAGS, flags).strings(Tag.FILEUSERNAME, users).strings(Tag.FILEGROUPNAME, groups)
                .int32(Tag.FILEVERIFYFLAGS, verify).int32(Tag.FILEDEVICES, devices).int32(Tag.FILEINODES, inodes)
                .strings(Tag.FILELANGS, langs).int32(Tag.DIRINDEXES, dirIndexes).strings(Tag.BASENAMES, basenames)
                .strings(Tag.DIRNAMES, dirs.keySet().toArray(new String[0]));
    }

    private static List<Dependency> provides(PackageSpec s) {
        List<Dependency> r = new ArrayList<>();
        String evr = (s.epoch() != null ? s.epoch() + ":" : "") + s.version() + "-" + s.release();
        r.add(new Dependency(s.name(), Dependency.EQUAL, evr));
        if (s.arch().isa() != null) {
            r.add(new Dependency(s.name() + "(" + s.arch().isa() + ")", Dependency.EQUAL, evr));
        }
        r.addAll(s.provides());
        return r;
    }

    /**
     * The spec's requirements, each scriptlet's interpreter (as rpmbuild adds it) and the rpmlib features the
     * package uses, sorted and without duplicates.
     */
    private static List<Dependency> requires(PackageSpec s) {
        TreeMap<String, Dependency> r = new TreeMap<>();
        for (Dependency d : s.requires()) {
            r.put(d.key(), d);
        }
        for (Scriptlet sc : s.scripts()) {
            Dependency d = sc.interpreterRequirement();
            r.put(d.key(), d);
        }
        List<Dependency> lib = new ArrayList<>();
        lib.add(Dependency.rpmlib("CompressedFileNames", "3.0.4-1"));
        lib.add(Dependency.rpmlib("FileDigests", "4.6.0-1"));
        lib.add(Dependency.rpmlib("PayloadFilesHavePrefix", "4.0-1"));
        if (s.compression().algorithm() == Compression.Algorithm.ZSTD) {
            lib.add(Dependency.rpmlib("PayloadIsZstd", "5.4.18-1"));
        } else if (s.compression().algorithm() == Compression.Algorithm.XZ) {
            lib.add(Dependency.rpmlib("PayloadIsXz", "5.2-1"));
        }
        for (Dependency d : lib) {
            r.put(d.key(), d);
        }
        return new ArrayList<>(r.values());
    }

    private static void dependencies(Header.Builder h, Tag names, Tag flags, Tag versions, List<Dependency> deps) {
        if (deps.isEmpty()) {
            return;
        }
        String[] n = new String[deps.size()];
        int[] f = new int[deps.size()];
        String[] v = new String[deps.size()];
        for (int i = 0; i < deps.size(); i++) {
            n[i] = deps.get(i).name();
            f[i] = deps.get(i).flags();
            v[i] = deps.get(i).version();
        }
        h.strings(names, n).int32(flags, f).strings(versions, v);
    }
}
