package io.avalanche.rpm.sign;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;

import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A logged-in session on one PKCS#11 token, found by its label in a module (a .so file): finds or generates
 * RSA keys by CKA_LABEL and makes CKM_RSA_PKCS signatures with them. Private keys never leave the token.
 * Messages name the module, token and key, never the PIN.
 */
public final class Pkcs11Token implements AutoCloseable {
    private static final SecureRandom ID_RANDOM = new SecureRandom();
    private static final Map<String, Module> MODULES = new HashMap<>();

    private final String moduleKey;
    private final Module module;
    private final String label;
    private final NativeLong session;
    private boolean closed;

    /** An RSA private key on the token with its public half; {@code handle} is valid for this session only. */
    public record Key(String label, long handle, RSAPublicKey publicKey, boolean sensitive, boolean extractable,
                      boolean neverExtractable) {
        public int bits() {
            return publicKey.getModulus().bitLength();
        }
    }

    private Pkcs11Token(String moduleKey, Module module, String label, NativeLong session) {
        this.moduleKey = moduleKey;
        this.module = module;
        this.label = label;
        this.session = session;
    }

    /**
     * Loads the module (once per process), finds the token labelled {@code tokenLabel} and logs in as the user
     * with {@code pin}. {@code readWrite} is needed only to create keys. The PIN array is not kept.
     */
    public static Pkcs11Token open(Path modulePath, String tokenLabel, char[] pin, boolean readWrite) {
        if (pin == null || pin.length == 0) {
            throw new SigningException("PKCS#11 token '" + tokenLabel + "': no PIN given; pass it with --pin-env VAR"
                    + " or --pin-stdin (Jenkins: a Secret-text credential)");
        }
        String key = modulePath.toAbsolutePath().normalize().toString();
        Module m = acquire(modulePath, key);
        NativeLong session = null;
        try {
            NativeLong slot = findSlot(m, modulePath, tokenLabel);
            NativeLongByReference s = new NativeLongByReference();
            long flags = Cryptoki.CKF_SERIAL_SESSION | (readWrite ? Cryptoki.CKF_RW_SESSION : 0);
            check(m.lib.C_OpenSession(slot, new NativeLong(flags), null, null, s),
                    "PKCS#11 token '" + tokenLabel + "': cannot open a session", tokenLabel);
            session = s.getValue();
            login(m, session, tokenLabel, pin);
            return new Pkcs11Token(key, m, tokenLabel, session);
        } catch (RuntimeException | Error e) {
            if (session != null) {
                m.lib.C_CloseSession(session);
            }
            release(key, m);
            throw e;
        }
    }

    private static void login(Module m, NativeLong session, String tokenLabel, char[] pin) {
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin));
        byte[] p = new byte[encoded.remaining()];
        encoded.get(p);
        Arrays.fill(encoded.array(), (byte) 0);
        int len = p.length;
        try {
            long rv = m.lib.C_Login(session, new NativeLong(Cryptoki.CKU_USER), p, new NativeLong(len)).longValue();
            if (rv == Cryptoki.CKR_PIN_INCORRECT || rv == Cryptoki.CKR_PIN_LEN_RANGE) {
                throw new SigningException("PKCS#11 token '" + tokenLabel + "': wrong PIN (" + Cryptoki.name(rv)
                        + "); check the variable named by --pin-env or the line given to --pin-stdin");
            }
            if (rv == Cryptoki.CKR_PIN_LOCKED) {
                throw new SigningException("PKCS#11 token '" + tokenLabel + "': the user PIN is locked"
                        + " (CKR_PIN_LOCKED); unlock it with the security officer PIN");
            }
            if (rv != Cryptoki.CKR_OK && rv != Cryptoki.CKR_USER_ALREADY_LOGGED_IN) {
                throw new SigningException("PKCS#11 token '" + tokenLabel + "': login failed (" + Cryptoki.name(rv)
                        + ")");
            }
        } finally {
            Arrays.fill(p, (byte) 0);
        }
    }

    /** The token's label. */
    public String label() {
        return label;
    }

    /** The private RSA key labelled {@code keyLabel}; refuses when there is none, several, or it is not RSA. */
    public synchronized Key findKey(String keyLabel) {
        ensureOpen();
        List<Long> handles = find(new Cryptoki.Template().ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PRIVATE_KEY)
                .bytes(Cryptoki.CKA_LABEL, keyLabel.getBytes(StandardCharsets.UTF_8)));
        if (handles.isEmpty()) {
            List<String> labels = privateKeyLabels();
            throw new SigningException("PKCS#11 token '" + label + "' has no private key labelled '" + keyLabel + "'"
                    + (labels.isEmpty() ? " (it holds no private keys)" : " (private keys: " + String.join(", ", labels)
                    + ")") + "; check --pkcs11-key or create the key with rpm-release keygen");
        }
        if (handles.size() > 1) {
            throw new SigningException("PKCS#11 token '" + label + "' has " + handles.size() + " private keys labelled '"
                    + keyLabel + "'; give the release key a unique label");
        }
        long h = handles.get(0);
        long type = toLong(attribute(h, Cryptoki.CKA_KEY_TYPE));
        if (type != Cryptoki.CKK_RSA) {
            throw new SigningException("PKCS#11 token '" + label + "' key '" + keyLabel + "' is not an RSA key"
                    + " (CKA_KEY_TYPE " + type + "); RHEL 9 RPM signatures here are RSA");
        }
        RSAPublicKey pub = publicKeyOf(h, keyLabel);
        return new Key(keyLabel, h, pub, bool(h, Cryptoki.CKA_SENSITIVE), bool(h, Cryptoki.CKA_EXTRACTABLE),
                bool(h, Cryptoki.CKA_NEVER_EXTRACTABLE));
    }

    /**
     * Generates an RSA key pair on the token: the private half is a token object, private, sensitive and not
     * extractable, usable only to sign. Refuses when any object already carries {@code keyLabel}.
     */
    public synchronized Key generateRsaKey(String keyLabel, int bits) {
        ensureOpen();
        byte[] lbl = keyLabel.getBytes(StandardCharsets.UTF_8);
        if (!find(new Cryptoki.Template().bytes(Cryptoki.CKA_LABEL, lbl)).isEmpty()) {
            throw new SigningException("PKCS#11 token '" + label + "' already holds an object labelled '" + keyLabel
                    + "'; choose another --pkcs11-key or delete the old key on the token first");
        }
        byte[] id = new byte[16];
        ID_RANDOM.nextBytes(id);
        Cryptoki.Template pub = new Cryptoki.Template()
                .ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PUBLIC_KEY).ulong(Cryptoki.CKA_KEY_TYPE, Cryptoki.CKK_RSA)
                .bool(Cryptoki.CKA_TOKEN, true).bool(Cryptoki.CKA_PRIVATE, false).bool(Cryptoki.CKA_VERIFY, true)
                .bool(Cryptoki.CKA_ENCRYPT, false).bool(Cryptoki.CKA_WRAP, false)
                .ulong(Cryptoki.CKA_MODULUS_BITS, bits).bytes(Cryptoki.CKA_PUBLIC_EXPONENT, new byte[] {1, 0, 1})
                .bytes(Cryptoki.CKA_LABEL, lbl).bytes(Cryptoki.CKA_ID, id);
        Cryptoki.Template priv = new Cryptoki.Template()
                .ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PRIVATE_KEY).ulong(Cryptoki.CKA_KEY_TYPE, Cryptoki.CKK_RSA)
                .bool(Cryptoki.CKA_TOKEN, true).bool(Cryptoki.CKA_PRIVATE, true).bool(Cryptoki.CKA_SENSITIVE, true)
                .bool(Cryptoki.CKA_EXTRACTABLE, false).bool(Cryptoki.CKA_SIGN, true)
                .bool(Cryptoki.CKA_DECRYPT, false).bool(Cryptoki.CKA_UNWRAP, false)
                .bytes(Cryptoki.CKA_LABEL, lbl).bytes(Cryptoki.CKA_ID, id);
        NativeLongByReference pubH = new NativeLongByReference();
        NativeLongByReference privH = new NativeLongByReference();
        Cryptoki.Attribute[] pubA = pub.build();
        Cryptoki.Attribute[] privA = priv.build();
        check(module.lib.C_GenerateKeyPair(session, new Cryptoki.Mechanism(Cryptoki.CKM_RSA_PKCS_KEY_PAIR_GEN),
                pubA, new NativeLong(pubA.length), privA, new NativeLong(privA.length), pubH, privH),
                "PKCS#11 token '" + label + "': cannot generate an RSA-" + bits + " key", label);
        keepAlive(pub, priv);
        return findKey(keyLabel);
    }

    /** A CKM_RSA_PKCS signature (PKCS#1 v1.5 padding by the token) over {@code data}, a DER DigestInfo. */
    public synchronized byte[] signPkcs1(Key key, byte[] data) {
        ensureOpen();
        check(module.lib.C_SignInit(session, new Cryptoki.Mechanism(Cryptoki.CKM_RSA_PKCS), new NativeLong(key.handle())),
                "PKCS#11 token '" + label + "' key '" + key.label() + "': cannot start signing", label);
        byte[] sig = new byte[(key.bits() + 7) / 8];
        NativeLongByReference len = new NativeLongByReference(new NativeLong(sig.length));
        check(module.lib.C_Sign(session, data, new NativeLong(data.length), sig, len),
                "PKCS#11 token '" + label + "' key '" + key.label() + "': signing failed", label);
        return Arrays.copyOf(sig, (int) len.getValue().longValue());
    }

    /** A digest signer over this token's key {@code keyLabel}; closing the signer closes this token session. */
    public DigestSigner signer(String keyLabel) {
        Key key = findKey(keyLabel);
        Pkcs11Token token = this;
        return new DigestSigner() {
            @Override
            public RSAPublicKey publicKey() {
                return key.publicKey();
            }

            @Override
            public byte[] sign(int hashAlgorithm, byte[] digest) {
                return token.signPkcs1(key, Pkcs1.digestInfo(hashAlgorithm, digest));
            }

            @Override
            public String describe() {
                return "PKCS#11 token '" + label + "' key '" + keyLabel + "'";
            }

            @Override
            public void close() {
                token.close();
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /** Logs out, closes the session and, when this was the module's last user, finalizes the module. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            module.lib.C_Logout(session);
            module.lib.C_CloseSession(session);
        } finally {
            release(moduleKey, module);
        }
    }

    @Override
    public String toString() {
        return "Pkcs11Token[" + label + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("PKCS#11 token '" + label + "' session is closed");
        }
    }

    private List<Long> find(Cryptoki.Template t) {
        Cryptoki.Attribute[] a = t.build();
        check(module.lib.C_FindObjectsInit(session, a, new NativeLong(a.length)),
                "PKCS#11 token '" + label + "': cannot search objects", label);
        List<Long> out = new ArrayList<>();
        try {
            NativeLong[] batch = new NativeLong[16];
            NativeLongByReference n = new NativeLongByReference();
            while (true) {
                check(module.lib.C_FindObjects(session, batch, new NativeLong(batch.length), n),
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
            module.lib.C_FindObjectsFinal(session);
            keepAlive(t);
        }
        return out;
    }

    private List<String> privateKeyLabels() {
        List<String> labels = new ArrayList<>();
        for (long h : find(new Cryptoki.Template().ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PRIVATE_KEY))) {
            byte[] l = attribute(h, Cryptoki.CKA_LABEL);
            labels.add("'" + (l == null ? "" : new String(l, StandardCharsets.UTF_8)) + "'");
        }
        return labels;
    }

    private RSAPublicKey publicKeyOf(long privateHandle, String keyLabel) {
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

    private boolean bool(long handle, long type) {
        byte[] v = attribute(handle, type);
        return v != null && v.length > 0 && v[0] != 0;
    }

    /** The attribute's value, or null when the token does not reveal it (sensitive, unavailable, invalid type). */
    private byte[] attribute(long handle, long type) {
        Cryptoki.Template probe = new Cryptoki.Template().out(type, 0);
        Cryptoki.Attribute[] a = probe.build();
        long rv = module.lib.C_GetAttributeValue(session, new NativeLong(handle), a, new NativeLong(1)).longValue();
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
        check(module.lib.C_GetAttributeValue(session, new NativeLong(handle), b, new NativeLong(1)),
                "PKCS#11 token '" + label + "': cannot read an object attribute", label);
        b[0].read();
        int got = (int) b[0].ulValueLen.longValue();
        byte[] out = b[0].pValue.getByteArray(0, got);
        keepAlive(probe, full);
        return out;
    }

    private static long toLong(byte[] v) {
        if (v == null) {
            return -1;
        }
        Memory m = new Memory(Math.max(v.length, NativeLong.SIZE));
        m.clear();
        m.write(0, v, 0, v.length);
        return m.getNativeLong(0).longValue();
    }

    private static NativeLong findSlot(Module m, Path modulePath, String tokenLabel) {
        NativeLongByReference count = new NativeLongByReference();
        check(m.lib.C_GetSlotList((byte) 1, null, count), modulePath + ": cannot list the PKCS#11 slots", tokenLabel);
        int n = (int) count.getValue().longValue();
        List<String> labels = new ArrayList<>();
        if (n > 0) {
            NativeLong[] slots = new NativeLong[n];
            check(m.lib.C_GetSlotList((byte) 1, slots, count), modulePath + ": cannot list the PKCS#11 slots",
                    tokenLabel);
            for (int i = 0; i < (int) count.getValue().longValue(); i++) {
                Memory info = new Memory(Cryptoki.TOKEN_INFO_SIZE);
                info.clear();
                if (m.lib.C_GetTokenInfo(slots[i], info).longValue() != Cryptoki.CKR_OK) {
                    continue;
                }
                long flags = info.getNativeLong(96).longValue();
                if ((flags & Cryptoki.CKF_TOKEN_INITIALIZED) == 0) {
                    continue;
                }
                String l = new String(info.getByteArray(0, 32), StandardCharsets.UTF_8).stripTrailing();
                if (l.equals(tokenLabel)) {
                    return slots[i];
                }
                labels.add("'" + l + "'");
            }
        }
        throw new SigningException("PKCS#11 token '" + tokenLabel + "' not found in " + modulePath
                + (labels.isEmpty() ? " (no initialized token is present)" : " (tokens: " + String.join(", ", labels) + ")")
                + "; check --pkcs11-token, that the token is plugged in, and the module's configuration");
    }

    private static void check(NativeLong rv, String what, String tokenLabel) {
        long v = rv.longValue();
        if (v == Cryptoki.CKR_OK) {
            return;
        }
        String hint = switch ((int) v) {
            case (int) Cryptoki.CKR_DEVICE_REMOVED, (int) Cryptoki.CKR_TOKEN_NOT_PRESENT,
                 (int) Cryptoki.CKR_SESSION_CLOSED, (int) Cryptoki.CKR_SESSION_HANDLE_INVALID,
                 (int) Cryptoki.CKR_DEVICE_ERROR, (int) Cryptoki.CKR_GENERAL_ERROR,
                 (int) Cryptoki.CKR_KEY_HANDLE_INVALID, (int) Cryptoki.CKR_OBJECT_HANDLE_INVALID ->
                    "; the token was removed or failed: reconnect it and run again (nothing was written)";
            case (int) Cryptoki.CKR_USER_NOT_LOGGED_IN -> "; the token logged the session out: run again";
            default -> "";
        };
        throw new SigningException(what + " (" + Cryptoki.name(v) + ")" + hint);
    }

    private static void keepAlive(Object... templates) {
        java.lang.ref.Reference.reachabilityFence(templates);
    }

    private static synchronized Module acquire(Path modulePath, String key) {
        Module m = MODULES.get(key);
        if (m == null) {
            if (!Files.isRegularFile(modulePath)) {
                throw new SigningException(modulePath + ": no such PKCS#11 module; give the token's .so file with"
                        + " --pkcs11-module (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)");
            }
            Cryptoki lib;
            long rv;
            try {
                lib = com.sun.jna.Native.load(key, Cryptoki.class);
                rv = lib.C_Initialize(Cryptoki.osLockingInitArgs()).longValue();
            } catch (UnsatisfiedLinkError e) {
                String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                throw new SigningException(modulePath + ": not a loadable PKCS#11 module (" + msg + "); give the"
                        + " token's PKCS#11 .so file with --pkcs11-module");
            }
            if (rv != Cryptoki.CKR_OK && rv != Cryptoki.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw new SigningException(modulePath + ": the PKCS#11 module failed to initialize ("
                        + Cryptoki.name(rv) + "); check its configuration (SoftHSM2: SOFTHSM2_CONF and its tokendir)");
            }
            m = new Module(lib, rv == Cryptoki.CKR_OK);
            MODULES.put(key, m);
        }
        m.users++;
        return m;
    }

    private static synchronized void release(String key, Module m) {
        if (--m.users == 0) {
            MODULES.remove(key);
            if (m.ownsInit) {
                m.lib.C_Finalize(null);
            }
        }
    }

    /** A loaded module and how many open tokens use it. */
    private static final class Module {
        final Cryptoki lib;
        final boolean ownsInit;
        int users;

        Module(Cryptoki lib, boolean ownsInit) {
            this.lib = lib;
            this.ownsInit = ownsInit;
        }
    }
}
