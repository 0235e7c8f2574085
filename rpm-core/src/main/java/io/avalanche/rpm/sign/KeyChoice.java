package io.avalanche.rpm.sign;

import io.avalanche.rpm.SpecException;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The one key a command or step signs with, chosen from its options by {@link #of}: a key that signs packages
 * ({@link KeySource}: key file, PKCS#11 token, ephemeral) or a gpg key that signs repository metadata only.
 */
public sealed interface KeyChoice permits KeySource, KeyChoice.GpgAgent {

    /** True for a throw-away key that expires after a day. */
    boolean ephemeral();

    /** What the key is, for plans and logs (never key material): "key FILE", "ephemeral RSA-4096 key, ...". */
    String describe();

    /** A key in gpg's keyring (GNUPGHOME), used through gpg: it signs repodata/repomd.xml only, never packages. */
    record GpgAgent(String keyId) implements KeyChoice {
        @Override
        public boolean ephemeral() {
            return false;
        }

        @Override
        public String describe() {
            return "gpg key " + keyId;
        }
    }

    /**
     * The one place key options are judged. In order: one kind of key (token, key file, ephemeral, gpg: "not both");
     * a passphrase only with --key, a PIN only with a complete token key; the purpose's rules (sign and release
     * need a key, sign --release and every s3:// destination refuse an ephemeral key, a pull-request build signs
     * with an ephemeral key only, gpg signs metadata only); the files named exist. Then the secrets are read.
     * Empty when no key is given and the purpose allows that (package, publish). Refusals are
     * {@link SpecException}s (exit 2) worded in the command line's option names.
     */
    static Optional<KeyChoice> of(KeyRequest r, KeyPurpose p) {
        KeyRequest.Token token = r.token();
        if (r.keyFile() != null && r.ephemeral()) {
            throw new SpecException("give either --key FILE or --ephemeral, not both");
        }
        if (r.gpgKeyId() != null && (r.keyFile() != null || r.ephemeral())) {
            throw new SpecException("give either " + (r.ephemeral() ? "--ephemeral" : "--key FILE")
                    + " or --sign-with KEY_ID, not both");
        }
        if (r.passphrase().size() > 1) {
            throw new SpecException("give either " + r.passphrase().get(0).option() + " or "
                    + r.passphrase().get(1).option() + ", not both");
        }
        if (token.given()) {
            String other = r.keyFile() != null ? "--key" : r.ephemeral() ? "--ephemeral"
                    : r.gpgKeyId() != null ? "--sign-with" : p.kind() == KeyPurpose.Kind.PULL_REQUEST ? "--pr" : null;
            if (other != null) {
                throw new SpecException("give either " + other + " or a token key (--pkcs11-module, --pkcs11-token,"
                        + " --pkcs11-key, --cert), not both");
            }
        }
        if (!r.passphrase().isEmpty() && r.keyFile() == null) {
            throw new SpecException(r.passphrase().get(0).option() + " applies only to --key"
                    + (token.given() ? "; a token takes --pin-env or --pin-stdin" : ""));
        }
        if (token.given()) {
            token.requireComplete();
            if (token.certificate() == null) {
                throw new SpecException("a token key needs --cert FILE: the armored OpenPGP certificate of the key"
                        + " (rpm-release keygen --export-key wrote it)");
            }
            requireFile("--cert", token.certificate());
        }
        boolean none = r.keyFile() == null && !r.ephemeral() && !token.given() && r.gpgKeyId() == null;
        if (none) {
            return Optional.ofNullable(defaultFor(p));
        }
        if (r.ephemeral()) {
            if (p.kind() == KeyPurpose.Kind.SIGN_RELEASE) {
                throw new SpecException("--release refuses --ephemeral: a release must be signed with the release"
                        + " key (--key FILE)");
            }
            if (p.published()) {
                throw EphemeralKeys.refusal(p.destination(), "customers could never verify it");
            }
            return Optional.of(new KeySource.Ephemeral());
        }
        if (r.keyFile() != null && p.kind() == KeyPurpose.Kind.PULL_REQUEST) {
            throw new SpecException("pull-request builds sign with an ephemeral key: do not pass --key with --pr");
        }
        if (r.gpgKeyId() != null) {
            if (p.kind() != KeyPurpose.Kind.PUBLISH) {
                throw new SpecException("--sign-with " + r.gpgKeyId() + " signs repository metadata only (publish)");
            }
            return Optional.of(new GpgAgent(r.gpgKeyId()));
        }
        if (r.keyFile() != null) {
            requireFile("--key", r.keyFile());
            char[] pass = r.passphrase().isEmpty() ? null : r.passphrase().get(0).read().get();
            return Optional.of(new KeySource.KeyFile(r.keyFile(), pass));
        }
        return Optional.of(new KeySource.Pkcs11(token.module(), token.label(), token.key(), token.readPin(),
                token.certificate()));
    }

    /** As {@link #of}, for purposes that always sign packages (sign, release): never empty, never gpg. */
    static KeySource signingKey(KeyRequest r, KeyPurpose p) {
        return (KeySource) of(r, p).orElseThrow(() -> new IllegalArgumentException(p + " needs no key"));
    }

    private static KeyChoice defaultFor(KeyPurpose p) {
        return switch (p.kind()) {
            case SIGN, SIGN_RELEASE -> throw new SpecException("give a signing key: --key FILE, --ephemeral, or a"
                    + " token key (--pkcs11-module, --pkcs11-token, --pkcs11-key, --pin-env|--pin-stdin, --cert)");
            case RELEASE -> throw new SpecException("a release needs a signing key: pass --key FILE, or --ephemeral"
                    + " explicitly for a local trial release (never published to S3)");
            case PULL_REQUEST -> new KeySource.Ephemeral();
            case PACKAGE, PUBLISH -> null;
        };
    }

    private static void requireFile(String option, Path file) {
        io.avalanche.rpm.PathNames.requireFile(option + " " + file, file);
    }
}
