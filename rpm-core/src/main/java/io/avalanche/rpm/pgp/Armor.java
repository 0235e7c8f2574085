package io.avalanche.rpm.pgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenPGP ASCII armor (RFC 4880 section 6) read with {@link Base64}: Bouncy Castle's ArmoredInputStream decodes a
 * byte at a time through several stream layers, ~40-80 ms of a cold start for one key file (verify --key,
 * package --key). Headers are skipped; the optional CRC-24 line is checked when present.
 */
public final class Armor {
    private static final String BEGIN = "-----BEGIN PGP ";
    private static final String END = "-----END PGP ";
    private static final String DASHES = "-----";

    private Armor() {
    }

    /** One armored block: its type (e.g. "PUBLIC KEY BLOCK") and the binary data it carries. */
    public record Block(String type, byte[] data) {
        public Block {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /** Every armored block of the text, in order (empty when it holds none: binary input); IOException when bad. */
    public static List<Block> blocks(byte[] file) throws IOException {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        List<Block> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int b = text.indexOf(BEGIN, at);
            if (b < 0) {
                return out;
            }
            if (b > 0 && text.charAt(b - 1) != '\n') {   // not at the start of a line: not armor
                at = b + 1;
                continue;
            }
            int typeEnd = text.indexOf(DASHES, b + BEGIN.length());
            int bodyStart = text.indexOf('\n', b);
            if (typeEnd < 0 || bodyStart < 0) {
                throw new IOException("unterminated armor header line");
            }
            String type = text.substring(b + BEGIN.length(), typeEnd);
            int e = text.indexOf(END + type + DASHES, bodyStart);
            if (e < 0) {
                throw new IOException("armored " + type + " has no END line");
            }
            out.add(new Block(type, body(text.substring(bodyStart + 1, e))));
            at = e + END.length();
        }
    }

    /** The binary data of the input: the blocks of an armored file one after another, else the input as it is. */
    public static byte[] binary(byte[] file) throws IOException {
        List<Block> blocks = blocks(file);
        if (blocks.isEmpty()) {
            return file.clone();
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Block blk : blocks) {
            all.writeBytes(blk.data);
        }
        return all.toByteArray();
    }

    private static byte[] body(String body) throws IOException {
        StringBuilder b64 = new StringBuilder(body.length());
        String crc = null;
        boolean headers = true;
        for (String line : body.split("\n", -1)) {
            String l = line.strip();
            if (headers) {
                if (l.isEmpty()) {
                    headers = false;
                    continue;
                }
                if (l.indexOf(':') > 0) {
                    continue;
                }
                headers = false;
            }
            if (l.startsWith("=") && l.length() == 5) {
                crc = l.substring(1);
            } else {
                b64.append(l);
            }
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException("bad base64 in armor: " + e.getMessage(), e);
        }
        if (crc != null) {
            byte[] c;
            try {
                c = Base64.getDecoder().decode(crc);
            } catch (IllegalArgumentException e) {
                throw new IOException("bad armor checksum line", e);
            }
            int want = (c[0] & 0xff) << 16 | (c[1] & 0xff) << 8 | (c[2] & 0xff);
            if (crc24(data) != want) {
                throw new IOException("armor checksum mismatch: the key file is damaged");
            }
        }
        return data;
    }

    /** CRC-24 of RFC 4880 section 6.1. */
    static int crc24(byte[] data) {
        int crc = 0xB704CE;
        for (byte d : data) {
            crc ^= (d & 0xff) << 16;
            for (int i = 0; i < 8; i++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) {
                    crc ^= 0x1864CFB;
                }
            }
        }
        return crc & 0xFFFFFF;
    }
}
