package io.avalanche.rpm.sign;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.SpecException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The key options of one command or step exactly as given, nothing checked yet: a key file with its passphrase
 * sources, an ephemeral key, a PKCS#11 token key, or a gpg key ID. {@link KeyChoice#of} decides what they mean.
 */
public record KeyRequest(Path keyFile, boolean ephemeral, List<Secret> passphrase, Token token, String gpgKeyId) {
    /** No key option at all. */
    public static final KeyRequest NONE = new KeyRequest(null, false, List.of(), Token.NONE, null);

    public KeyRequest {
        passphrase = passphrase == null ? List.of() : List.copyOf(passphrase);
        token = token == null ? Token.NONE : token;
    }

    /** Only --ephemeral. */
    public static KeyRequest ephemeralKey() {
        return new KeyRequest(null, true, List.of(), Token.NONE, null);
    }

    /** Only --key FILE, with an optional passphrase source (null: none). */
    public static KeyRequest keyFile(Path file, Secret passphrase) {
        return new KeyRequest(file, false, passphrase == null ? List.of() : List.of(passphrase), Token.NONE, null);
    }

    /** What this request means for {@code purpose}; every refusal is a {@link SpecException} (exit 2). */
    public Optional<KeyChoice> choose(KeyPurpose purpose) {
        return KeyChoice.of(this, purpose);
    }

    /**
     * A secret (passphrase, PIN) and the option it comes from ({@code --passphrase-env}, for messages); read only
     * once the options are known to be good. The caller of {@code read} clears the array.
     */
    public record Secret(String option, Supplier<char[]> read) {
        @Override
        public String toString() {
            return "Secret[" + option + "]";   // never the value
        }
    }

    /**
     * A key inside a PKCS#11 token: module file, token label, key label (CKA_LABEL), the user PIN's sources (exactly
     * one is needed) and the armored OpenPGP certificate of the key. Every field null (and no PIN): no token.
     */
    public record Token(Path module, String label, String key, List<Secret> pin, Path certificate) {
        public static final Token NONE = new Token(null, null, null, List.of(), null);

        public Token {
            pin = pin == null ? List.of() : List.copyOf(pin);
        }

        /** True when any token option is given. */
        public boolean given() {
            return module != null || label != null || key != null || !pin.isEmpty() || certificate != null;
        }

        /**
         * Refuses an incomplete token key (keygen needs no certificate): module, token and key are all needed,
         * exactly one PIN source, and the module must exist.
         */
        public void requireComplete() {
            if (module == null || label == null || key == null) {
                throw new SpecException("a token key needs --pkcs11-module FILE, --pkcs11-token LABEL and --pkcs11-key"
                        + " LABEL (missing: " + String.join(", ", missing()) + ")");
            }
            if (pin.size() != 1) {
                throw new SpecException("give the token's user PIN with exactly one of --pin-env VAR or --pin-stdin");
            }
            String why = PathNames.notAFile(module);
            if (why != null) {
                throw new SpecException("--pkcs11-module " + module + ": " + why + "; give the token's PKCS#11 module"
                        + " (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)");
            }
        }

        /** The user PIN, read from its one source now; the caller clears it. */
        public char[] readPin() {
            requireComplete();
            return pin.get(0).read().get();
        }

        private List<String> missing() {
            List<String> m = new ArrayList<>();
            if (module == null) {
                m.add("--pkcs11-module");
            }
            if (label == null) {
                m.add("--pkcs11-token");
            }
            if (key == null) {
                m.add("--pkcs11-key");
            }
            return m;
        }
    }
}
