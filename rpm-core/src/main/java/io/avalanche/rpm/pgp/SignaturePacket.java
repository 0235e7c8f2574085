package io.avalanche.rpm.pgp;

import java.util.Arrays;

/**
 * Framing of one binary OpenPGP signature packet, without Bouncy Castle (so agent-side code stays small):
 * exact length, tag 2, and the v4 RSA binary-document shape RHEL 9 accepts for header signatures.
 */
public final class SignaturePacket {
    private SignaturePacket() {
    }

    /** The body of a single signature packet (tag 2) whose header states exactly its length, else null. */
    public static byte[] body(byte[] p) {
        if (p.length < 2 || (p[0] & 0x80) == 0) {
            return null;
        }
        int tag;
        int hdr;
        long len;
        if ((p[0] & 0x40) == 0) {
            tag = (p[0] >> 2) & 0x0f;
            int lt = p[0] & 3;
            if (lt == 3) {
                return null;
            }
            hdr = 1 + (1 << lt);
            if (p.length < hdr) {
                return null;
            }
            len = 0;
            for (int i = 1; i < hdr; i++) {
                len = (len << 8) | (p[i] & 0xff);
            }
        } else {
            tag = p[0] & 0x3f;
            int b1 = p[1] & 0xff;
            if (b1 < 192) {
                hdr = 2;
                len = b1;
            } else if (b1 < 224) {
                if (p.length < 3) {
                    return null;
                }
                hdr = 3;
                len = ((b1 - 192L) << 8) + (p[2] & 0xff) + 192;
            } else if (b1 == 255) {
                if (p.length < 6) {
                    return null;
                }
                hdr = 6;
                len = ((p[2] & 0xffL) << 24) | ((p[3] & 0xff) << 16) | ((p[4] & 0xff) << 8) | (p[5] & 0xff);
            } else {
                return null;
            }
        }
        if (tag != 2 || hdr + len != p.length) {
            return null;
        }
        return Arrays.copyOfRange(p, hdr, p.length);
    }

    /** Why this packet is not a v4 RSA SHA-256/512 binary signature, or null when it is. */
    public static String problem(byte[] packet) {
        byte[] b = packet == null ? null : body(packet);
        if (b == null || b.length < 4) {
            return "not exactly one binary OpenPGP signature packet (armored text, or trailing bytes?)";
        }
        if (b[0] != 4) {
            return "a v" + b[0] + " signature; RHEL 9 accepts only v4";
        }
        if (b[1] != 0) {
            return "signature type 0x" + Integer.toHexString(b[1] & 0xff) + "; a header signature is type 0x00 (binary)";
        }
        if (b[2] != 1 && b[2] != 3) {
            return "public-key algorithm " + b[2] + " (not RSA); header signatures here are RSA";
        }
        if (b[3] != 8 && b[3] != 10) {
            return "hash algorithm " + b[3] + (b[3] == 2 ? " (SHA-1)" : "") + "; use SHA-256 (8) or SHA-512 (10)";
        }
        return null;
    }
}
