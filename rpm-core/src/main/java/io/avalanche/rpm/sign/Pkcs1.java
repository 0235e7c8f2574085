package io.avalanche.rpm.sign;

import io.avalanche.rpm.pgp.KeyPolicy;
import org.bouncycastle.bcpg.HashAlgorithmTags;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/** PKCS#1 v1.5 signature encoding (RFC 8017 §9.2): DigestInfo prefixes, and a check of a signature value. */
final class Pkcs1 {
    private static final byte[] SHA256_PREFIX = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    private static final byte[] SHA512_PREFIX = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

    private Pkcs1() {
    }

    /** DER DigestInfo of this digest (what a PKCS#11 CKM_RSA_PKCS signature takes as data). */
    static byte[] digestInfo(int hashAlgorithm, byte[] digest) {
        byte[] prefix = switch (hashAlgorithm) {
            case HashAlgorithmTags.SHA256 -> SHA256_PREFIX;
            case HashAlgorithmTags.SHA512 -> SHA512_PREFIX;
            default -> throw new SigningException("token signatures use SHA-256 or SHA-512, not "
                    + KeyPolicy.hashName(hashAlgorithm));
        };
        if (digest.length != prefix[prefix.length - 1]) {
            throw new SigningException("a " + KeyPolicy.hashName(hashAlgorithm) + " digest has "
                    + prefix[prefix.length - 1] + " bytes, not " + digest.length);
        }
        byte[] out = Arrays.copyOf(prefix, prefix.length + digest.length);
        System.arraycopy(digest, 0, out, prefix.length, digest.length);
        return out;
    }

    /** True when {@code signature} is a valid PKCS#1 v1.5 signature of this digest under this key. */
    static boolean verifies(RSAPublicKey key, int hashAlgorithm, byte[] digest, byte[] signature) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        BigInteger s = new BigInteger(1, signature);
        if (signature.length > k || s.compareTo(key.getModulus()) >= 0) {
            return false;
        }
        byte[] em = toFixed(s.modPow(key.getPublicExponent(), key.getModulus()), k);
        byte[] t = digestInfo(hashAlgorithm, digest);
        if (k < t.length + 11) {
            return false;
        }
        byte[] expected = new byte[k];
        expected[1] = 0x01;
        Arrays.fill(expected, 2, k - t.length - 1, (byte) 0xff);
        System.arraycopy(t, 0, expected, k - t.length, t.length);
        return java.security.MessageDigest.isEqual(em, expected);
    }

    private static byte[] toFixed(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        if (b.length == length) {
            return b;
        }
        byte[] out = new byte[length];
        int n = Math.min(b.length, length);
        System.arraycopy(b, b.length - n, out, length - n, n);
        return out;
    }
}
