package io.avalanche.rpm.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The 96-byte legacy lead at the start of every RPM file. */
public final class Lead {
    public static final int SIZE = 96;
    private static final byte[] MAGIC = {(byte) 0xed, (byte) 0xab, (byte) 0xee, (byte) 0xdb};

    private Lead() {
    }

    /** Encodes a binary-package lead: version 3.0, type 0, signature type 5 (header-style). */
    public static byte[] encode(String nameVersionRelease, int archNum) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(MAGIC).put((byte) 3).put((byte) 0).putShort((short) 0).putShort((short) archNum);
        byte[] name = nameVersionRelease.getBytes(StandardCharsets.UTF_8);
        byte[] field = new byte[66];
        System.arraycopy(name, 0, field, 0, Math.min(name.length, 65));
        b.put(field).putShort((short) 1).putShort((short) 5);
        return b.array();
    }

    /** Checks a lead's magic and major version; throws RpmFormatException otherwise. */
    public static void check(byte[] lead, String what) {
        if (lead.length < SIZE) {
            throw new RpmFormatException(what + ": file shorter than the 96-byte RPM lead");
        }
        for (int i = 0; i < 4; i++) {
            if (lead[i] != MAGIC[i]) {
                throw new RpmFormatException(what + ": bad lead magic (not an RPM file)");
            }
        }
        if (lead[4] != 3 && lead[4] != 4) {
            throw new RpmFormatException(what + ": unsupported RPM lead version " + lead[4]);
        }
        int sigType = ((lead[78] & 0xff) << 8) | (lead[79] & 0xff);
        if (sigType != 5) {
            throw new RpmFormatException(what + ": lead signature type " + sigType + " (expected 5)");
        }
    }
}
