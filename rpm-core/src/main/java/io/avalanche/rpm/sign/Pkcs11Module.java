package io.avalanche.rpm.sign;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PKCS#11 module (a .so file) loaded once per process for {@link Pkcs11Token}s and finalized when its last token
 * closes; finds a token's slot by label, and turns failed calls into one-line messages that never carry the PIN.
 */
final class Pkcs11Module {
    private static final Map<String, Pkcs11Module> MODULES = new HashMap<>();

    final Cryptoki lib;
    private final boolean ownsInit;
    private int users;

    private Pkcs11Module(Cryptoki lib, boolean ownsInit) {
        this.lib = lib;
        this.ownsInit = ownsInit;
    }

    /** The module at {@code modulePath} ({@code key}: its normalized absolute path), loaded and initialized once. */
    static synchronized Pkcs11Module acquire(Path modulePath, String key) {
        Pkcs11Module m = MODULES.get(key);
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
            m = new Pkcs11Module(lib, rv == Cryptoki.CKR_OK);
            MODULES.put(key, m);
        }
        m.users++;
        return m;
    }

    /** One user fewer; the last one finalizes the module when this process initialized it. */
    static synchronized void release(String key, Pkcs11Module m) {
        if (--m.users == 0) {
            MODULES.remove(key);
            if (m.ownsInit) {
                m.lib.C_Finalize(null);
            }
        }
    }

    /** The slot of the initialized token labelled {@code tokenLabel}; refused naming the tokens present. */
    NativeLong findSlot(Path modulePath, String tokenLabel) {
        NativeLongByReference count = new NativeLongByReference();
        check(lib.C_GetSlotList((byte) 1, null, count), modulePath + ": cannot list the PKCS#11 slots", tokenLabel);
        int n = (int) count.getValue().longValue();
        List<String> labels = new ArrayList<>();
        if (n > 0) {
            NativeLong[] slots = new NativeLong[n];
            check(lib.C_GetSlotList((byte) 1, slots, count), modulePath + ": cannot list the PKCS#11 slots",
                    tokenLabel);
            for (int i = 0; i < (int) count.getValue().longValue(); i++) {
                Memory info = new Memory(Cryptoki.TOKEN_INFO_SIZE);
                info.clear();
                if (lib.C_GetTokenInfo(slots[i], info).longValue() != Cryptoki.CKR_OK) {
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

    /** Refuses a failed call: {@code what} failed, with the return code's name and what to do about it. */
    static void check(NativeLong rv, String what, String tokenLabel) {
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

    /** Keeps native templates reachable until the call that reads them returned. */
    static void keepAlive(Object... templates) {
        java.lang.ref.Reference.reachabilityFence(templates);
    }
}
