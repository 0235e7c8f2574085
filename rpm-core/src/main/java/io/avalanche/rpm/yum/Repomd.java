package io.avalanche.rpm.yum;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** repodata/repomd.xml: the index naming each metadata file with its checksums and sizes. */
public record Repomd(long revision, List<Entry> entries) {

    /** One data element; checksums are SHA-256 hex of the compressed and the open file. */
    public record Entry(String type, String checksum, String openChecksum, String href, long timestamp, long size,
                        long openSize) {
    }

    public Repomd {
        entries = List.copyOf(entries);
    }

    public Optional<Entry> entry(String type) {
        return entries.stream().filter(e -> e.type().equals(type)).findFirst();
    }

    public byte[] toXml() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"")
                .append(RepoXml.NS_RPM).append("\">\n  <revision>").append(revision).append("</revision>\n");
        for (Entry e : entries) {
            b.append("  <data type=\"").append(e.type()).append("\">\n")
                    .append("    <checksum type=\"sha256\">").append(e.checksum()).append("</checksum>\n")
                    .append("    <open-checksum type=\"sha256\">").append(e.openChecksum()).append("</open-checksum>\n")
                    .append("    <location href=\"").append(RepoXml.esc(e.href())).append("\"/>\n")
                    .append("    <timestamp>").append(e.timestamp()).append("</timestamp>\n")
                    .append("    <size>").append(e.size()).append("</size>\n")
                    .append("    <open-size>").append(e.openSize()).append("</open-size>\n")
                    .append("  </data>\n");
        }
        return b.append("</repomd>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The index these bytes hold, only when they are exactly what {@link #toXml()} writes for it: lets a signer
     * that receives repomd.xml bytes from elsewhere refuse to sign anything but a repository index.
     */
    public static Repomd parseCanonical(byte[] xml, String name) {
        Repomd r = parse(xml, name);
        if (r.entries().isEmpty() || !java.util.Arrays.equals(r.toXml(), xml)) {
            throw new MetadataException(name + ": not a repomd.xml as rpm-release writes it; refusing to sign it");
        }
        return r;
    }

    public static Repomd parse(byte[] xml, String name) {
        try {
            XMLInputFactory f = XMLInputFactory.newFactory();
            f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(xml));
            long revision = 0;
            List<Entry> entries = new ArrayList<>();
            String type = null;
            String checksum = null;
            String open = null;
            String href = null;
            long ts = 0;
            long size = 0;
            long openSize = 0;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("data")) {
                    entries.add(new Entry(type, checksum, open, href, ts, size, openSize));
                    continue;
                }
                if (ev != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                switch (r.getLocalName()) {
                    case "revision" -> revision = parseLong(r.getElementText());
                    case "data" -> type = r.getAttributeValue(null, "type");
                    case "checksum" -> checksum = r.getElementText().trim();
                    case "open-checksum" -> open = r.getElementText().trim();
                    case "location" -> href = r.getAttributeValue(null, "href");
                    case "timestamp" -> ts = parseLong(r.getElementText());
                    case "size" -> size = parseLong(r.getElementText());
                    case "open-size" -> openSize = parseLong(r.getElementText());
                    default -> {
                    }
                }
            }
            return new Repomd(revision, entries);
        } catch (XMLStreamException e) {
            throw new MetadataException(name + ": not a valid repomd.xml (" + e.getMessage() + ")", e);
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
