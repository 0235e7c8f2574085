package io.avalanche.rpm.yum;

import io.avalanche.rpm.format.Header;
import io.avalanche.rpm.format.HeaderFiles;
import io.avalanche.rpm.format.Tag;
import io.avalanche.rpm.format.RpmPackage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything yum metadata (primary, filelists, other) says about one package, read from its headers the
 * way createrepo_c does. {@code deps} maps "provides", "requires", ... to entries, in that order.
 */
public record PackageMetadata(String name, String arch, String epoch, String version, String release,
                              String sha256, String summary, String description, String packager, String url,
                              long fileTime, long buildTime, long packageSize, long installedSize, long archiveSize,
                              String href, String license, String vendor, String group, String buildhost,
                              String sourcerpm, long headerStart, long headerEnd, Map<String, List<RpmEntry>> deps,
                              List<PackageFile> files, List<Changelog> changelogs) {

    /** createrepo_c's default --changelog-limit. */
    public static final int CHANGELOG_LIMIT = 10;
    /** RpmEntry kinds in the order primary.xml lists them. */
    public static final List<String> DEP_KINDS = List.of("provides", "requires", "conflicts", "obsoletes",
            "suggests", "enhances", "recommends", "supplements");
    private static final int[][] DEP_TAGS = {
        {1047, 1112, 1113}, {1049, 1048, 1050}, {1054, 1053, 1055}, {1090, 1114, 1115},
        {5049, 5051, 5050}, {5055, 5057, 5056}, {5046, 5048, 5047}, {5052, 5054, 5053},
    };
    private static final int SIG_PAYLOADSIZE = 1007;
    private static final int SIG_LONGARCHIVESIZE = 271;
    private static final int ARCHIVESIZE = 1046;
    private static final int RPMFILE_GHOST = 64;
    private static final long PRE_FLAGS = 64 | 512 | 1024;

    public PackageMetadata {
        deps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(deps));
        files = List.copyOf(files);
        changelogs = List.copyOf(changelogs);
    }

    /** Metadata of a parsed package whose file has this SHA-256, mtime (epoch seconds) and href. */
    public static PackageMetadata from(RpmPackage p, String sha256Hex, long fileTime, String href) {
        Header h = p.header();
        long[] epochs = h.numbers(Tag.EPOCH);
        List<PackageFile> files = files(h);
        Set<String> primaryFiles = new HashSet<>();
        for (PackageFile f : files) {
            if (f.primary()) {
                primaryFiles.add(f.path());
            }
        }
        Map<String, List<RpmEntry>> deps = new LinkedHashMap<>();
        for (int k = 0; k < DEP_KINDS.size(); k++) {
            List<RpmEntry> list = deps(h, DEP_KINDS.get(k), DEP_TAGS[k], primaryFiles);
            if (!list.isEmpty()) {
                deps.put(DEP_KINDS.get(k), list);
            }
        }
        long archive = first(p.signature().numbers(SIG_LONGARCHIVESIZE),
                first(p.signature().numbers(SIG_PAYLOADSIZE), first(h.numbers(ARCHIVESIZE), 0)));
        long installed = first(h.numbers(Tag.LONGSIZE), first(h.numbers(Tag.SIZE), 0));
        return new PackageMetadata(h.string(Tag.NAME), h.string(Tag.ARCH),
                epochs.length > 0 ? Long.toString(epochs[0]) : "0", h.string(Tag.VERSION), h.string(Tag.RELEASE),
                sha256Hex, text(h, Tag.SUMMARY), text(h, Tag.DESCRIPTION), text(h, Tag.PACKAGER), text(h, Tag.URL),
                fileTime, first(h.numbers(Tag.BUILDTIME), 0), p.fileSize(), installed, archive, href,
                text(h, Tag.LICENSE), text(h, Tag.VENDOR), text(h, Tag.GROUP), text(h, Tag.BUILDHOST),
                text(h, Tag.SOURCERPM), p.mainHeaderOffset(), p.payloadOffset(), deps, files, changelogs(h));
    }

    private static long first(long[] v, long dflt) {
        return v.length > 0 ? v[0] : dflt;
    }

    private static String text(Header h, Tag t) {
        String s = h.string(t);
        return s == null ? "" : s;
    }

    private static List<PackageFile> files(Header h) {
        List<String> paths = HeaderFiles.paths(h, h.string(Tag.NAME));
        long[] modes = h.numbers(Tag.FILEMODES);
        long[] flags = h.numbers(Tag.FILEFLAGS);
        List<PackageFile> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            String type = null;
            if (i < modes.length && (modes[i] & 0170000) == 0040000) {
                type = "dir";
            } else if (i < flags.length && (flags[i] & RPMFILE_GHOST) != 0) {
                type = "ghost";
            }
            out.add(new PackageFile(path, type));
        }
        return out;
    }

    private static List<RpmEntry> deps(Header h, String kind, int[] tags, Set<String> primaryFiles) {
        String[] names = h.get(tags[0]).map(e -> e.strings()).orElse(new String[0]);
        long[] flags = h.numbers(tags[1]);
        String[] versions = h.get(tags[2]).map(e -> e.strings()).orElse(new String[0]);
        boolean requires = kind.equals("requires");
        List<RpmEntry> out = new ArrayList<>();
        Set<RpmEntry> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            String n = names[i];
            long f = i < flags.length ? flags[i] : 0;
            if (requires && (n.startsWith("rpmlib(") || primaryFiles.contains(n))) {
                continue;
            }
            RpmEntry d = RpmEntry.of(n, f, i < versions.length ? versions[i] : "",
                    requires && (f & PRE_FLAGS) != 0);
            if (seen.add(d)) {
                out.add(d);
            }
        }
        return out;
    }

    private static List<Changelog> changelogs(Header h) {
        long[] times = h.numbers(Tag.CHANGELOGTIME);
        String[] names = h.strings(Tag.CHANGELOGNAME);
        String[] texts = h.strings(Tag.CHANGELOGTEXT);
        int n = Math.min(CHANGELOG_LIMIT, Math.min(times.length, Math.min(names.length, texts.length)));
        List<Changelog> out = new ArrayList<>(n);
        for (int i = n - 1; i >= 0; i--) {
            out.add(new Changelog(names[i], times[i], texts[i]));
        }
        return out;
    }

    public List<RpmEntry> deps(String kind) {
        return deps.getOrDefault(kind, List.of());
    }
}
