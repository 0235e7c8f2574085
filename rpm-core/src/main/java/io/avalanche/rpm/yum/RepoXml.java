package io.avalanche.rpm.yum;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes and reads primary.xml, filelists.xml and other.xml (uncompressed) in createrepo_c's format. */
public final class RepoXml {
    public static final String NS_COMMON = "http://linux.duke.edu/metadata/common";
    public static final String NS_RPM = "http://linux.duke.edu/metadata/rpm";
    public static final String NS_FILELISTS = "http://linux.duke.edu/metadata/filelists";
    public static final String NS_OTHER = "http://linux.duke.edu/metadata/other";
    private static final String DECL = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private RepoXml() {
    }

    /** The three documents of one repository. */
    public record Documents(byte[] primary, byte[] filelists, byte[] other) {
    }

    public static Documents write(List<PackageMetadata> packages) {
        StringBuilder p = new StringBuilder(DECL).append("<metadata xmlns=\"").append(NS_COMMON)
                .append("\" xmlns:rpm=\"").append(NS_RPM).append("\" packages=\"").append(packages.size())
                .append("\">\n");
        StringBuilder f = new StringBuilder(DECL).append("<filelists xmlns=\"").append(NS_FILELISTS)
                .append("\" packages=\"").append(packages.size()).append("\">\n");
        StringBuilder o = new StringBuilder(DECL).append("<otherdata xmlns=\"").append(NS_OTHER)
                .append("\" packages=\"").append(packages.size()).append("\">\n");
        for (PackageMetadata m : packages) {
            primary(p, m);
            filelists(f, m);
            other(o, m);
        }
        p.append("</metadata>\n");
        f.append("</filelists>\n");
        o.append("</otherdata>\n");
        return new Documents(bytes(p), bytes(f), bytes(o));
    }

    private static byte[] bytes(StringBuilder b) {
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void primary(StringBuilder b, PackageMetadata m) {
        b.append("<package type=\"rpm\">\n");
        el(b, "  ", "name", m.name());
        el(b, "  ", "arch", m.arch());
        b.append("  <version epoch=\"").append(esc(m.epoch())).append("\" ver=\"").append(esc(m.version()))
                .append("\" rel=\"").append(esc(m.release())).append("\"/>\n");
        b.append("  <checksum type=\"sha256\" pkgid=\"YES\">").append(m.sha256()).append("</checksum>\n");
        el(b, "  ", "summary", m.summary());
        el(b, "  ", "description", m.description());
        el(b, "  ", "packager", m.packager());
        el(b, "  ", "url", m.url());
        b.append("  <time file=\"").append(m.fileTime()).append("\" build=\"").append(m.buildTime()).append("\"/>\n");
        b.append("  <size package=\"").append(m.packageSize()).append("\" installed=\"").append(m.installedSize())
                .append("\" archive=\"").append(m.archiveSize()).append("\"/>\n");
        b.append("  <location href=\"").append(esc(m.href())).append("\"/>\n");
        b.append("  <format>\n");
        el(b, "    ", "rpm:license", m.license());
        el(b, "    ", "rpm:vendor", m.vendor());
        el(b, "    ", "rpm:group", m.group());
        el(b, "    ", "rpm:buildhost", m.buildhost());
        el(b, "    ", "rpm:sourcerpm", m.sourcerpm());
        b.append("    <rpm:header-range start=\"").append(m.headerStart()).append("\" end=\"").append(m.headerEnd())
                .append("\"/>\n");
        for (String kind : PackageMetadata.DEP_KINDS) {
            List<RpmEntry> deps = m.deps(kind);
            if (deps.isEmpty()) {
                continue;
            }
            b.append("    <rpm:").append(kind).append(">\n");
            for (RpmEntry d : deps) {
                b.append("      <rpm:entry name=\"").append(esc(d.name())).append('"');
                attr(b, "flags", d.flags());
                attr(b, "epoch", d.epoch());
                attr(b, "ver", d.ver());
                attr(b, "rel", d.rel());
                if (d.pre()) {
                    b.append(" pre=\"1\"");
                }
                b.append("/>\n");
            }
            b.append("    </rpm:").append(kind).append(">\n");
        }
        for (PackageFile file : m.files()) {
            if (file.primary()) {
                file(b, "    ", file);
            }
        }
        b.append("  </format>\n</package>\n");
    }

    private static void filelists(StringBuilder b, PackageMetadata m) {
        head(b, m);
        for (PackageFile file : m.files()) {
            file(b, "  ", file);
        }
        b.append("</package>\n");
    }

    private static void other(StringBuilder b, PackageMetadata m) {
        head(b, m);
        for (Changelog c : m.changelogs()) {
            b.append("  <changelog author=\"").append(esc(c.author())).append("\" date=\"").append(c.date())
                    .append("\">").append(esc(c.text())).append("</changelog>\n");
        }
        b.append("</package>\n");
    }

    private static void head(StringBuilder b, PackageMetadata m) {
        b.append("<package pkgid=\"").append(m.sha256()).append("\" name=\"").append(esc(m.name()))
                .append("\" arch=\"").append(esc(m.arch())).append("\">\n");
        b.append("  <version epoch=\"").append(esc(m.epoch())).append("\" ver=\"").append(esc(m.version()))
                .append("\" rel=\"").append(esc(m.release())).append("\"/>\n");
    }

    private static void file(StringBuilder b, String indent, PackageFile f) {
        b.append(indent).append("<file");
        attr(b, "type", f.type());
        b.append('>').append(esc(f.path())).append("</file>\n");
    }

    private static void el(StringBuilder b, String indent, String name, String text) {
        b.append(indent).append('<').append(name).append('>').append(esc(text)).append("</").append(name)
                .append(">\n");
    }

    private static void attr(StringBuilder b, String name, String v) {
        if (v != null) {
            b.append(' ').append(name).append("=\"").append(esc(v)).append('"');
        }
    }

    /** XML-escapes text and drops characters XML 1.0 cannot carry. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder r = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> r.append("&amp;");
                case '<' -> r.append("&lt;");
                case '>' -> r.append("&gt;");
                case '"' -> r.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        r.append(c);
                    }
                }
            }
        }
        return r.toString();
    }

    /**
     * Reads the three documents back into package metadata (ours or createrepo_c's). Packages are joined
     * on pkgid; missing filelists/other entries give empty lists.
     */
    public static List<PackageMetadata> read(byte[] primary, byte[] filelists, byte[] other) {
        return RepoXmlReader.read(primary, filelists, other);
    }
}
