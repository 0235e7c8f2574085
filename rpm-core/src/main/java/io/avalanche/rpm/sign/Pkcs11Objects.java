package io.avalanche.rpm.sign;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;

import static io.avalanche.rpm.sign.Pkcs11Module.check;
import static io.avalanche.rpm.sign.Pkcs11Module.keepAlive;

/**
 * The objects of a {@link Pkcs11Token}'s session: searches by template and attribute values, including the public
 * half of an RSA key. Called under the token's monitor only.
 */
final class Pkcs11Objects {
    private final Cryptoki lib;
    private final NativeLong session;
    private final String label;

    Pkcs11Objects(Pkcs11Module module, NativeLong session, String label) {
        this.lib = module.lib;
        this.session = session;
        this.label = label;
    }

    /** The handles of the objects matching the template. */
    List<Long> find(Cryptoki.Template t) {
        Cryptoki.Attribute[] a = t.build();
        check(lib.C_FindObjectsInit(session, a, new NativeLong(a.length)),
                "PKCS#11 token '" + label + "': cannot search objects", label);
        List<Long> out = new ArrayList<>();
        try {
            NativeLong[] batch = new NativeLong[16];
            NativeLongByReference n = new NativeLongByReference();
            while (true) {
                check(lib.C_FindObjects(session, batch, new NativeLong(batch.length), n),
                        "PKCS#11 token '" + label + "': cannot search objects", label);
                long count = n.getValue().longValue();
                for (int i = 0; i < count; i++) {
                    out.add(batch[i].longValue());
                }
                if (count < batch.length) {
                    break;
                }
            }
        } finally {
            lib.C_FindObjectsFinal(session);
            keepAlive(t);
        }
        return out;
    }

    /** The labels of the token's private keys, quoted, for messages. */
    List<String> privateKeyLabels() {
        List<String> labels = new ArrayList<>();
        for (long h : find(new Cryptoki.Template().ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PRIVATE_KEY))) {
            byte[] l = attribute(h, Cryptoki.CKA_LABEL);
            labels.add("'" + (l == null ? "" : new String(l, StandardCharsets.UTF_8)) + "'");
        }
        return labels;
    }

    /** The public half of a private key: its own modulus and exponent, else those of the one public key so labelled. */
    RSAPublicKey publicKeyOf(long privateHandle, String keyLabel) {
        byte[] n = attribute(privateHandle, Cryptoki.CKA_MODULUS);
        byte[] e = attribute(privateHandle, Cryptoki.CKA_PUBLIC_EXPONENT);
        if (n == null || e == null) {
            List<Long> pubs = find(new Cryptoki.Template().ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PUBLIC_KEY)
                    .bytes(Cryptoki.CKA_LABEL, keyLabel.getBytes(StandardCharsets.UTF_8)));
            if (pubs.size() != 1) {
                throw new SigningException("PKCS#11 token '" + label + "' key '" + keyLabel + "': the private key does"
                        + " not show its modulus and there is no single public key with that label");
            }
            n = attribute(pubs.get(0), Cryptoki.CKA_MODULUS);
            e = attribute(pubs.get(0), Cryptoki.CKA_PUBLIC_EXPONENT);
        }
        if (n == null || e == null) {
            throw new SigningException("PKCS#11 token '" + label + "' key '" + keyLabel + "': cannot read its public key");
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(new BigInteger(1, n), new BigInteger(1, e)));
        } catch (GeneralSecurityException ex) {
            throw new SigningException("PKCS#11 token '" + label + "' key '" + keyLabel + "': not a usable RSA public"
                    + " key: " + ex.getMessage(), ex);
        }
    }

    boolean bool(long handle, long type) {
        byte[] v = attribute(handle, type);
        return v != null && v.length > 0 && v[0] != 0;
    }

    /** A CK_ULONG attribute, or -1 when the token does not reveal it. */
    long ulong(long handle, long type) {
        byte[] v = attribute(handle, type);
        if (v == null) {
            return -1;
        }
        Memory m = new Memory(Math.max(v.length, NativeLong.SIZE));
        m.clear();
        m.write(0, v, 0, v.length);
        return m.getNativeLong(0).longValue();
    }

    /** The attribute's value, or null when the token does not reveal it (sensitive, unavailable, invalid type). */
    byte[] attribute(long handle, long type) {
        Cryptoki.Template probe = new Cryptoki.Template().out(type, 0);
        Cryptoki.Attribute[] a = probe.build();
        long rv = lib.C_GetAttributeValue(session, new NativeLong(handle), a, new NativeLong(1)).longValue();
        if (rv == Cryptoki.CKR_ATTRIBUTE_SENSITIVE || rv == Cryptoki.CKR_ATTRIBUTE_TYPE_INVALID) {
            return null;
        }
        check(new NativeLong(rv), "PKCS#11 token '" + label + "': cannot read an object attribute", label);
        a[0].read();
        long len = a[0].ulValueLen.longValue();
        if (len < 0 || len > 1 << 20) {
            return null;
        }
        Cryptoki.Template full = new Cryptoki.Template().out(type, (int) Math.max(1, len));
        Cryptoki.Attribute[] b = full.build();
        check(lib.C_GetAttributeValue(session, new NativeLong(handle), b, new NativeLong(1)),
                "PKCS#11 token '" + label + "': cannot read an object attribute", label);
        b[0].read();
        int got = (int) b[0].ulValueLen.longValue();
        byte[] out = b[0].pValue.getByteArray(0, got);
        keepAlive(probe, full);
        return out;
    }
}
