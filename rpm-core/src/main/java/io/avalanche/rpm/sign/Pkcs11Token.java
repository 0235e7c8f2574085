package io.avalanche.rpm.sign;

import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;

import static io.avalanche.rpm.sign.Pkcs11Module.check;
import static io.avalanche.rpm.sign.Pkcs11Module.keepAlive;

/**
 * A logged-in session on one PKCS#11 token, found by its label in a module (a .so file, {@link Pkcs11Module}): finds
 * or generates RSA keys by CKA_LABEL ({@link Pkcs11Objects}) and makes CKM_RSA_PKCS signatures with them. Private keys
 * never leave the token. Messages name the module, token and key, never the PIN.
 */
public final class Pkcs11Token implements AutoCloseable {
    private static final SecureRandom ID_RANDOM = new SecureRandom();

    private final String moduleKey;
    private final Pkcs11Module module;
    private final String label;
    private final NativeLong session;
    private final Pkcs11Objects objects;
    private boolean closed;

    /** An RSA private key on the token with its public half; {@code handle} is valid for this session only. */
    public record Key(String label, long handle, RSAPublicKey publicKey, boolean sensitive, boolean extractable,
                      boolean neverExtractable) {
        public int bits() {
            return publicKey.getModulus().bitLength();
        }
    }

    private Pkcs11Token(String moduleKey, Pkcs11Module module, String label, NativeLong session) {
        this.moduleKey = moduleKey;
        this.module = module;
        this.label = label;
        this.session = session;
        this.objects = new Pkcs11Objects(module, session, label);
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
        Pkcs11Module m = Pkcs11Module.acquire(modulePath, key);
        NativeLong session = null;
        try {
            NativeLong slot = m.findSlot(modulePath, tokenLabel);
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
            Pkcs11Module.release(key, m);
            throw e;
        }
    }

    private static void login(Pkcs11Module m, NativeLong session, String tokenLabel, char[] pin) {
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
        List<Long> handles = objects.find(new Cryptoki.Template().ulong(Cryptoki.CKA_CLASS, Cryptoki.CKO_PRIVATE_KEY)
                .bytes(Cryptoki.CKA_LABEL, keyLabel.getBytes(StandardCharsets.UTF_8)));
        if (handles.isEmpty()) {
            List<String> labels = objects.privateKeyLabels();
            throw new SigningException("PKCS#11 token '" + label + "' has no private key labelled '" + keyLabel + "'"
                    + (labels.isEmpty() ? " (it holds no private keys)" : " (private keys: " + String.join(", ", labels)
                    + ")") + "; check --pkcs11-key or create the key with rpm-release keygen");
        }
        if (handles.size() > 1) {
            throw new SigningException("PKCS#11 token '" + label + "' has " + handles.size() + " private keys labelled '"
                    + keyLabel + "'; give the release key a unique label");
        }
        long h = handles.get(0);
        long type = objects.ulong(h, Cryptoki.CKA_KEY_TYPE);
        if (type != Cryptoki.CKK_RSA) {
            throw new SigningException("PKCS#11 token '" + label + "' key '" + keyLabel + "' is not an RSA key"
                    + " (CKA_KEY_TYPE " + type + "); RHEL 9 RPM signatures here are RSA");
        }
        RSAPublicKey pub = objects.publicKeyOf(h, keyLabel);
        return new Key(keyLabel, h, pub, objects.bool(h, Cryptoki.CKA_SENSITIVE),
                objects.bool(h, Cryptoki.CKA_EXTRACTABLE), objects.bool(h, Cryptoki.CKA_NEVER_EXTRACTABLE));
    }

    /**
     * Generates an RSA key pair on the token: the private half is a token object, private, sensitive and not
     * extractable, usable only to sign. Refuses when any object already carries {@code keyLabel}.
     */
    public synchronized Key generateRsaKey(String keyLabel, int bits) {
        ensureOpen();
        byte[] lbl = keyLabel.getBytes(StandardCharsets.UTF_8);
        if (!objects.find(new Cryptoki.Template().bytes(Cryptoki.CKA_LABEL, lbl)).isEmpty()) {
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
            Pkcs11Module.release(moduleKey, module);
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
}
