package io.avalanche.rpm.sign;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.pgp.TrustedKeys;
import org.bouncycastle.openpgp.PGPPublicKey;

import java.util.Iterator;
import java.util.Optional;

/**
 * The rule that keeps throw-away keys away from customers: an ephemeral key (user ID
 * {@link SigningKeys#EPHEMERAL_USER_ID}, valid one day at most) never signs what is published to s3://, whether it
 * is chosen for a release or found in a release directory's key file at publish time.
 */
public final class EphemeralKeys {
    private EphemeralKeys() {
    }

    /** True for a primary key {@link SigningKeys#ephemeral()} made: its user ID and a lifetime of a day or less. */
    public static boolean isEphemeral(PGPPublicKey primary) {
        long valid = primary.getValidSeconds();
        if (valid <= 0 || valid > SigningKeys.EPHEMERAL_LIFETIME.toSeconds()) {
            return false;
        }
        for (Iterator<String> ids = primary.getUserIDs(); ids.hasNext(); ) {
            if (SigningKeys.EPHEMERAL_USER_ID.equals(ids.next())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses (exit 2, as {@code release --ephemeral --to s3://} is refused) to publish to {@code destination} a
     * release whose key file {@code keySource} holds an ephemeral key: every customer's dnf would report its
     * packages BAD once the key expired.
     */
    public static void refuseInRelease(TrustedKeys keys, String keySource, String destination) {
        Optional<PGPPublicKey> ephemeral = keys.primaryKeys().stream().filter(EphemeralKeys::isEphemeral).findFirst();
        if (ephemeral.isPresent()) {
            PGPPublicKey k = ephemeral.get();
            throw refusal(destination, keySource + " holds ephemeral key " + KeyPolicy.keyIdHex(k.getKeyID())
                    + KeyPolicy.expiry(k).map(e -> " (expires " + e + ")").orElse("")
                    + " and customers could never verify the packages after it expires");
        }
    }

    /** The one wording of the refusal to publish an ephemeral-signed release to {@code destination}. */
    static SpecException refusal(String destination, String why) {
        return new SpecException("refusing to publish an ephemeral-signed release to " + destination + ": " + why
                + "; sign with --key FILE");
    }
}
