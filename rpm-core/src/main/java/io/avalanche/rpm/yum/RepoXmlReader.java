package io.avalanche.rpm.yum;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads primary.xml, filelists.xml and other.xml (ours or createrepo_c's) into package metadata ({@link RepoXml}). */
final class RepoXmlReader {
    private RepoXmlReader() {
    }

    /** What one child element of a package becomes. */
    private interface Child<T> {
        T of(XMLStreamReader r) throws XMLStreamException;
    }

    /** As {@link RepoXml#read}: packages joined on pkgid; missing filelists/other entries give empty lists. */
    static List<PackageMetadata> read(byte[] primary, byte[] filelists, byte[] other) {
        try {
            Map<String, List<PackageFile>> files = readFilelists(filelists);
            Map<String, List<Changelog>> logs = readOther(other);
            return readPrimary(primary, files, logs);
        } catch (XMLStreamException e) {
            throw new MetadataException("existing repository metadata is not valid XML (" + e.getMessage()
                    + "); delete the repodata directory to rebuild it", e);
        }
    }

    private static XMLStreamReader reader(byte[] xml) throws XMLStreamException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f.createXMLStreamReader(new ByteArrayInputStream(xml));
    }

    /** Per package (by pkgid), what its {@code element} children of a filelists or other document become. */
    private static <T> Map<String, List<T>> perPackage(byte[] xml, String element, Child<T> child)
            throws XMLStreamException {
        Map<String, List<T>> out = new HashMap<>();
        XMLStreamReader r = reader(xml);
        List<T> current = null;
        while (r.hasNext()) {
            if (r.next() != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String n = r.getLocalName();
            if (n.equals("package")) {
                current = new ArrayList<>();
                out.put(r.getAttributeValue(null, "pkgid"), current);
            } else if (n.equals(element)) {
                current.add(child.of(r));
            }
        }
        return out;
    }

    private static Map<String, List<PackageFile>> readFilelists(byte[] xml) throws XMLStreamException {
        return perPackage(xml, "file", r -> {
            String type = r.getAttributeValue(null, "type");
            return new PackageFile(r.getElementText(), type);
        });
    }

    private static Map<String, List<Changelog>> readOther(byte[] xml) throws XMLStreamException {
        return perPackage(xml, "changelog", r -> {
            String author = r.getAttributeValue(null, "author");
            long date = Long.parseLong(r.getAttributeValue(null, "date"));
            return new Changelog(author, date, r.getElementText());
        });
    }

    private static List<PackageMetadata> readPrimary(byte[] xml, Map<String, List<PackageFile>> files,
                                                     Map<String, List<Changelog>> logs) throws XMLStreamException {
        List<PackageMetadata> out = new ArrayList<>();
        XMLStreamReader r = reader(xml);
        Map<String, String> v = new HashMap<>();
        Map<String, List<RpmEntry>> deps = new LinkedHashMap<>();
        List<PackageFile> primaryFiles = new ArrayList<>();
        String depKind = null;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.END_ELEMENT) {
                String n = r.getLocalName();
                if (n.equals("package")) {
                    String id = v.get("checksum");
                    List<PackageFile> fl = files.getOrDefault(id, primaryFiles);
                    out.add(new PackageMetadata(v.get("name"), v.get("arch"), v.get("epoch"), v.get("ver"),
                            v.get("rel"), id, v.get("summary"), v.get("description"), v.get("packager"), v.get("url"),
                            num(v, "file"), num(v, "build"), num(v, "package"), num(v, "installed"),
                            num(v, "archive"), v.get("href"), v.get("license"), v.get("vendor"), v.get("group"),
                            v.get("buildhost"), v.get("sourcerpm"), num(v, "start"), num(v, "end"), deps, fl,
                            logs.getOrDefault(id, List.of())));
                    v = new HashMap<>();
                    deps = new LinkedHashMap<>();
                    primaryFiles = new ArrayList<>();
                } else if (PackageMetadata.DEP_KINDS.contains(n)) {
                    depKind = null;
                }
                continue;
            }
            if (ev != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String n = r.getLocalName();
            switch (n) {
                case "name", "arch", "summary", "description", "packager", "url", "license", "vendor", "group",
                        "buildhost", "sourcerpm", "checksum" -> {
                    if (depKind == null) {
                        v.put(n, r.getElementText());
                    }
                }
                case "version" -> {
                    v.put("epoch", r.getAttributeValue(null, "epoch"));
                    v.put("ver", r.getAttributeValue(null, "ver"));
                    v.put("rel", r.getAttributeValue(null, "rel"));
                }
                case "time" -> {
                    v.put("file", r.getAttributeValue(null, "file"));
                    v.put("build", r.getAttributeValue(null, "build"));
                }
                case "size" -> {
                    v.put("package", r.getAttributeValue(null, "package"));
                    v.put("installed", r.getAttributeValue(null, "installed"));
                    v.put("archive", r.getAttributeValue(null, "archive"));
                }
                case "location" -> v.put("href", r.getAttributeValue(null, "href"));
                case "header-range" -> {
                    v.put("start", r.getAttributeValue(null, "start"));
                    v.put("end", r.getAttributeValue(null, "end"));
                }
                case "entry" -> deps.computeIfAbsent(depKind, k -> new ArrayList<>()).add(new RpmEntry(
                        r.getAttributeValue(null, "name"), r.getAttributeValue(null, "flags"),
                        r.getAttributeValue(null, "epoch"), r.getAttributeValue(null, "ver"),
                        r.getAttributeValue(null, "rel"), "1".equals(r.getAttributeValue(null, "pre"))));
                case "file" -> {
                    String type = r.getAttributeValue(null, "type");
                    primaryFiles.add(new PackageFile(r.getElementText(), type));
                }
                default -> {
                    if (PackageMetadata.DEP_KINDS.contains(n)) {
                        depKind = n;
                    }
                }
            }
        }
        return out;
    }

    private static long num(Map<String, String> v, String k) {
        String s = v.get(k);
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
