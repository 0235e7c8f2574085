package io.avalanche.rpm.sign;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.NativeLongByReference;

import java.util.List;
import java.util.Map;

/** The few PKCS#11 (Cryptoki 2.x) functions, structures and constants the token signer uses, mapped with JNA. */
interface Cryptoki extends Library {
    long CKR_OK = 0x0;
    long CKR_SLOT_ID_INVALID = 0x3;
    long CKR_GENERAL_ERROR = 0x5;
    long CKR_FUNCTION_FAILED = 0x6;
    long CKR_ARGUMENTS_BAD = 0x7;
    long CKR_ATTRIBUTE_SENSITIVE = 0x11;
    long CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
    long CKR_DEVICE_ERROR = 0x30;
    long CKR_DEVICE_MEMORY = 0x31;
    long CKR_DEVICE_REMOVED = 0x32;
    long CKR_KEY_HANDLE_INVALID = 0x60;
    long CKR_KEY_SIZE_RANGE = 0x62;
    long CKR_MECHANISM_INVALID = 0x70;
    long CKR_OBJECT_HANDLE_INVALID = 0x82;
    long CKR_PIN_INCORRECT = 0xA0;
    long CKR_PIN_LEN_RANGE = 0xA2;
    long CKR_PIN_LOCKED = 0xA4;
    long CKR_SESSION_CLOSED = 0xB0;
    long CKR_SESSION_HANDLE_INVALID = 0xB3;
    long CKR_TEMPLATE_INCOMPLETE = 0xD0;
    long CKR_TEMPLATE_INCONSISTENT = 0xD1;
    long CKR_TOKEN_NOT_PRESENT = 0xE0;
    long CKR_TOKEN_NOT_RECOGNIZED = 0xE1;
    long CKR_USER_ALREADY_LOGGED_IN = 0x100;
    long CKR_USER_NOT_LOGGED_IN = 0x101;
    long CKR_USER_PIN_NOT_INITIALIZED = 0x102;
    long CKR_CRYPTOKI_NOT_INITIALIZED = 0x190;
    long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;

    long CKF_OS_LOCKING_OK = 0x2;
    long CKF_RW_SESSION = 0x2;
    long CKF_SERIAL_SESSION = 0x4;
    long CKF_TOKEN_INITIALIZED = 0x400;
    long CKU_USER = 1;

    long CKO_PUBLIC_KEY = 2;
    long CKO_PRIVATE_KEY = 3;
    long CKK_RSA = 0;
    long CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
    long CKM_RSA_PKCS = 0x1;

    long CKA_CLASS = 0x0;
    long CKA_TOKEN = 0x1;
    long CKA_PRIVATE = 0x2;
    long CKA_LABEL = 0x3;
    long CKA_KEY_TYPE = 0x100;
    long CKA_ID = 0x102;
    long CKA_SENSITIVE = 0x103;
    long CKA_ENCRYPT = 0x104;
    long CKA_DECRYPT = 0x105;
    long CKA_WRAP = 0x106;
    long CKA_UNWRAP = 0x107;
    long CKA_SIGN = 0x108;
    long CKA_VERIFY = 0x10A;
    long CKA_MODULUS = 0x120;
    long CKA_MODULUS_BITS = 0x121;
    long CKA_PUBLIC_EXPONENT = 0x122;
    long CKA_EXTRACTABLE = 0x162;
    long CKA_NEVER_EXTRACTABLE = 0x164;
    long CKA_ALWAYS_SENSITIVE = 0x165;

    /** Size of CK_TOKEN_INFO on LP64 (208 bytes), with room to spare; the label is its first 32 bytes. */
    int TOKEN_INFO_SIZE = 512;

    NativeLong C_Initialize(Pointer initArgs);

    NativeLong C_Finalize(Pointer reserved);

    NativeLong C_GetSlotList(byte tokenPresent, NativeLong[] slots, NativeLongByReference count);

    NativeLong C_GetTokenInfo(NativeLong slot, Pointer info);

    NativeLong C_OpenSession(NativeLong slot, NativeLong flags, Pointer application, Pointer notify,
                             NativeLongByReference session);

    NativeLong C_CloseSession(NativeLong session);

    NativeLong C_Login(NativeLong session, NativeLong userType, byte[] pin, NativeLong pinLength);

    NativeLong C_Logout(NativeLong session);

    NativeLong C_FindObjectsInit(NativeLong session, Attribute[] template, NativeLong count);

    NativeLong C_FindObjects(NativeLong session, NativeLong[] objects, NativeLong max, NativeLongByReference count);

    NativeLong C_FindObjectsFinal(NativeLong session);

    NativeLong C_GetAttributeValue(NativeLong session, NativeLong object, Attribute[] template, NativeLong count);

    NativeLong C_SignInit(NativeLong session, Mechanism mechanism, NativeLong key);

    NativeLong C_Sign(NativeLong session, byte[] data, NativeLong length, byte[] signature,
                      NativeLongByReference signatureLength);

    NativeLong C_GenerateKeyPair(NativeLong session, Mechanism mechanism, Attribute[] publicTemplate,
                                 NativeLong publicCount, Attribute[] privateTemplate, NativeLong privateCount,
                                 NativeLongByReference publicKey, NativeLongByReference privateKey);

    /** CK_ATTRIBUTE: type, value pointer, value length. */
    @Structure.FieldOrder({"type", "pValue", "ulValueLen"})
    class Attribute extends Structure {
        public NativeLong type;
        public Pointer pValue;
        public NativeLong ulValueLen;
    }

    /** CK_MECHANISM without parameters. */
    @Structure.FieldOrder({"mechanism", "pParameter", "ulParameterLen"})
    class Mechanism extends Structure {
        public NativeLong mechanism;
        public Pointer pParameter;
        public NativeLong ulParameterLen;

        Mechanism(long mechanism) {
            this.mechanism = new NativeLong(mechanism);
            this.pParameter = null;
            this.ulParameterLen = new NativeLong(0);
        }
    }

    /** CK_C_INITIALIZE_ARGS asking the module to use the operating system's locking (we call it from many threads). */
    static Memory osLockingInitArgs() {
        Memory m = new Memory(com.sun.jna.Native.POINTER_SIZE * 6L);
        m.clear();
        m.setNativeLong(com.sun.jna.Native.POINTER_SIZE * 4L, new NativeLong(CKF_OS_LOCKING_OK));
        return m;
    }

    /** Human name of a return value, for messages. */
    static String name(long rv) {
        String n = NAMES.get(rv);
        return (n != null ? n : "CKR_0x" + Long.toHexString(rv));
    }

    Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"),
            Map.entry(CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"),
            Map.entry(CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"),
            Map.entry(CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"),
            Map.entry(CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"),
            Map.entry(CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"),
            Map.entry(CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"),
            Map.entry(CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"),
            Map.entry(CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"),
            Map.entry(CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"),
            Map.entry(CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE"),
            Map.entry(CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"),
            Map.entry(CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"),
            Map.entry(CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"),
            Map.entry(CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"),
            Map.entry(CKR_PIN_LOCKED, "CKR_PIN_LOCKED"),
            Map.entry(CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"),
            Map.entry(CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"),
            Map.entry(CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"),
            Map.entry(CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"),
            Map.entry(CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"),
            Map.entry(CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"),
            Map.entry(CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"),
            Map.entry(CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"),
            Map.entry(CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"),
            Map.entry(CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"),
            Map.entry(CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"));

    /** Builds a contiguous CK_ATTRIBUTE array; keeps the value memory reachable as long as the array is. */
    final class Template {
        private final List<Object[]> entries = new java.util.ArrayList<>();

        Template bool(long type, boolean value) {
            Memory m = new Memory(1);
            m.setByte(0, (byte) (value ? 1 : 0));
            entries.add(new Object[] {type, m, 1L});
            return this;
        }

        Template ulong(long type, long value) {
            Memory m = new Memory(NativeLong.SIZE);
            m.setNativeLong(0, new NativeLong(value));
            entries.add(new Object[] {type, m, (long) NativeLong.SIZE});
            return this;
        }

        Template bytes(long type, byte[] value) {
            Memory m = new Memory(Math.max(1, value.length));
            m.write(0, value, 0, value.length);
            entries.add(new Object[] {type, m, (long) value.length});
            return this;
        }

        /** An attribute whose value the module fills in (or whose length it reports when {@code size} is 0). */
        Template out(long type, int size) {
            Memory m = size > 0 ? new Memory(size) : null;
            entries.add(new Object[] {type, m, (long) size});
            return this;
        }

        int size() {
            return entries.size();
        }

        Attribute[] build() {
            Attribute[] a = (Attribute[]) new Attribute().toArray(entries.size());
            for (int i = 0; i < a.length; i++) {
                Object[] e = entries.get(i);
                a[i].type = new NativeLong((Long) e[0]);
                a[i].pValue = (Pointer) e[1];
                a[i].ulValueLen = new NativeLong((Long) e[2]);
                a[i].write();
            }
            return a;
        }

        /** Keeps the value buffers alive while native code may use them. */
        List<Object[]> buffers() {
            return entries;
        }
    }
}
