package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.pgp.TrustedKeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What validation judges signatures against, never taken from the place it checks unless the caller says so: a
 * pinned key set (the expected public key or keys, armored, several blocks allowed), or (explicitly and loudly) the
 * key published with the release. Unpinned, a release directory is checked against its own key (what was just
 * signed); a published location (file:, s3://) is refused.
 */
public final class TrustAnchor {
    /** The report's package (JUnit classname) of the trust check. */
    public static final String TRUST = "trust";
    /** The check that the published key file holds only pinned keys. */
    public static final String PUBLISHED_KEY = "published-key";
    static final String PINNED_FILE = "RPM-GPG-KEY-pinned";

    private enum Mode { UNPINNED, PINNED, PUBLISHED }

    private final Mode mode;
    private final byte[] armored;
    private final String source;
    private final TrustedKeys keys;

    private TrustAnchor(Mode mode, byte[] armored, String source, TrustedKeys keys) {
        this.mode = mode;
        this.armored = armored;
        this.source = source;
        this.keys = keys;
    }

    /** No key given: a release directory's own key; a published location is refused (see {@link #require}). */
    public static TrustAnchor unpinned() {
        return new TrustAnchor(Mode.UNPINNED, null, null, null);
    }

    /** The key published with the release, trusted because the caller said so (a WARNING in every report). */
    public static TrustAnchor trustPublished() {
        return new TrustAnchor(Mode.PUBLISHED, null, null, null);
    }

    /** The expected public key(s) in this file (--key FILE); a usage error when it holds no public key. */
    public static TrustAnchor pinned(Path file) {
        io.avalanche.rpm.PathNames.requireFile("--key " + file, file);   // a FIFO would block the read for ever
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SpecException("--key " + file + ": cannot read the expected public key (" + IoErrors.why(e)
                    + ")");
        }
        return pinned(b, "--key " + file);
    }

    /**
     * The expected public key(s), armored (several blocks allowed), e.g. the key the Jenkins controller holds or the
     * key a release just signed with; {@code source} names them in messages.
     */
    public static TrustAnchor pinned(byte[] armored, String source) {
        try {
            TrustedKeys k = TrustedKeys.load(new ByteArrayInputStream(armored), source);
            return new TrustAnchor(Mode.PINNED, armored.clone(), source, k);
        } catch (RpmException e) {
            throw new SpecException(e.getMessage());
        }
    }

    /**
     * The public part of an armored secret key (e.g. the release key credential the Jenkins controller holds), as a
     * pinned anchor: no passphrase is needed and nothing secret leaves this method.
     */
    public static TrustAnchor pinnedFromSecretKey(byte[] armoredSecret, String source) {
        try {
            org.bouncycastle.openpgp.PGPSecretKeyRingCollection rings =
                    new org.bouncycastle.openpgp.PGPSecretKeyRingCollection(
                            org.bouncycastle.openpgp.PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSecret)),
                            new org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (org.bouncycastle.bcpg.ArmoredOutputStream armor = new org.bouncycastle.bcpg.ArmoredOutputStream(out)) {
                for (org.bouncycastle.openpgp.PGPSecretKeyRing r : rings) {
                    List<org.bouncycastle.openpgp.PGPPublicKey> keys = new java.util.ArrayList<>();
                    r.getPublicKeys().forEachRemaining(keys::add);
                    new org.bouncycastle.openpgp.PGPPublicKeyRing(keys).encode(armor);
                }
            }
            return pinned(out.toByteArray(), source);
        } catch (IOException | org.bouncycastle.openpgp.PGPException | RuntimeException e) {
            if (e instanceof SpecException s) {
                throw s;
            }
            throw new SpecException(source + ": not an armored OpenPGP secret key (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /**
     * The anchor the command line asks for: {@code --key FILE} pins it, {@code --trust-published-key} trusts the
     * published key, neither leaves it unpinned; both at once is a usage error.
     */
    public static TrustAnchor of(Path key, boolean trustPublished) {
        if (key != null && trustPublished) {
            throw new SpecException("give either --key FILE (the expected key) or --trust-published-key, not both");
        }
        return key != null ? pinned(key) : trustPublished ? trustPublished() : unpinned();
    }

    public boolean isPinned() {
        return mode == Mode.PINNED;
    }

    /** For plans and messages: "pinned key(s) ... from SOURCE", "the published key (trusted explicitly)", ... */
    public String describe() {
        return switch (mode) {
            case PINNED -> "pinned key " + String.join(", ", keys.keyIds()) + " (" + source + ")";
            case PUBLISHED -> "the key published with the release (--trust-published-key)";
            case UNPINNED -> "the release directory's own key";
        };
    }

    /**
     * Refuses, before anything is fetched, to validate a published location against the key published there unless
     * {@link #trustPublished} said so: whoever can write there could swap key, packages and metadata together.
     */
    public void require(ReleaseSource source) {
        if (mode == Mode.UNPINNED && source.publishedStore().isPresent()) {
            throw new SpecException("validating " + source.describe() + " needs the expected public key: pass --key"
                    + " FILE (the release key you hold), or --trust-published-key to trust the key published there"
                    + " (whoever can write to it could then replace key, packages and metadata together and"
                    + " validation would pass)");
        }
    }

    /** What the checks use once the release is fetched: the key file, the trust check, warnings. */
    public record Applied(Path keyFile, List<CheckOutcome> checks, List<String> warnings) {
        public Applied {
            checks = List.copyOf(checks);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Applies this anchor to a fetched release: a pinned set is written next to the packages (a container mounts that
     * directory) and the published key file must hold only pinned keys; trusting the published key adds a warning.
     */
    public Applied apply(FetchedRelease rel, ReleaseSource from) {
        if (mode == Mode.PUBLISHED && from.publishedStore().isPresent()) {
            return new Applied(rel.publicKey(), List.of(), List.of("WARNING: trusting the key published in "
                    + from.describe() + " (--trust-published-key): whoever can write there can replace the key,"
                    + " the packages and the metadata together and this validation would still pass; pin the"
                    + " expected key with --key FILE"));
        }
        if (mode != Mode.PINNED) {
            return new Applied(rel.publicKey(), List.of(), List.of());
        }
        Path file = rel.publicKey().resolveSibling(PINNED_FILE);
        try {
            Files.write(file, armored);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the pinned key: " + IoErrors.why(e), e);
        }
        return new Applied(file, List.of(publishedKeyCheck(rel.publicKey(), from)), List.of());
    }

    private CheckOutcome publishedKeyCheck(Path published, ReleaseSource from) {
        long t0 = System.nanoTime();
        String where = from.describe() + " (" + published.getFileName() + ")";
        TrustedKeys there;
        try {
            there = TrustedKeys.load(published);
        } catch (RpmException | UncheckedIOException e) {
            return CheckOutcome.failed(TRUST, PUBLISHED_KEY, "the key file of " + where + " is unusable: "
                    + e.getMessage() + "; customers import it, so publish the release key again", "", since(t0));
        }
        List<String> foreign = there.keysNotIn(keys);
        if (!foreign.isEmpty()) {
            return CheckOutcome.failed(TRUST, PUBLISHED_KEY, "the key file of " + where + " holds key(s) "
                    + foreign + " that are not among the pinned keys " + keys.keyIds() + " (" + source
                    + "): customers would trust them; it was replaced or extended, publish the release key again",
                    "", since(t0));
        }
        return CheckOutcome.passed(TRUST, PUBLISHED_KEY, "the key file of " + where + " holds only pinned keys ("
                + String.join(", ", there.keyIds()) + "); packages and repository signatures are checked against the "
                + describe(), "", since(t0));
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Only for equality in tests and records: the mode and the pinned bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TrustAnchor t && t.mode == mode && Arrays.equals(t.armored, armored);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + Arrays.hashCode(armored);
    }
}
