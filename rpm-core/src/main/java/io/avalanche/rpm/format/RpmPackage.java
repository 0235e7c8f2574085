package io.avalanche.rpm.format;


/**
 * A parsed RPM file: both headers plus the byte layout (offsets are from the start of the file).
 * The signature header region is [96, mainHeaderOffset); the main header is
 * [mainHeaderOffset, payloadOffset); the payload runs to fileSize.
 */
public record RpmPackage(String name, byte[] lead, Header signature, int signatureLength, long mainHeaderOffset,
                         Header header, byte[] headerBytes, long payloadOffset, long fileSize) {

    public RpmPackage {
        lead = lead.clone();
        headerBytes = headerBytes.clone();
    }

    @Override
    public byte[] lead() {
        return lead.clone();
    }

    /** The main header exactly as stored, from its magic to the end of its data: what is signed. */
    @Override
    public byte[] headerBytes() {
        return headerBytes.clone();
    }

    public long payloadLength() {
        return fileSize - payloadOffset;
    }

    public String packageName() {
        return header.string(Tag.NAME);
    }

    public String version() {
        return header.string(Tag.VERSION);
    }

    public String release() {
        return header.string(Tag.RELEASE);
    }

    public String arch() {
        return header.string(Tag.ARCH);
    }

    /** epoch:version-release, without the epoch when there is none (as rpm prints it). */
    public String evr() {
        long[] epoch = header.numbers(Tag.EPOCH);
        String vr = version() + "-" + release();
        return epoch.length > 0 ? epoch[0] + ":" + vr : vr;
    }

    public String payloadCompressor() {
        String c = header.string(Tag.PAYLOADCOMPRESSOR);
        return c == null ? "gzip" : c;
    }
}
