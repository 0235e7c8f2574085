package io.avalanche.rpm.format;

import java.time.Instant;

/**
 * One check of a package (e.g. "header-sha256", "header-signature"): its status, a human detail and,
 * for signatures, the key ID, public-key algorithm, hash and creation time (null when not applicable).
 */
public record CheckResult(String check, CheckStatus status, String detail, String keyId, String algorithm,
                          String hash, Instant created) {

    public static CheckResult of(String check, CheckStatus status, String detail) {
        return new CheckResult(check, status, detail, null, null, null, null);
    }

    public boolean ok() {
        return status == CheckStatus.OK;
    }

    /** One line such as "header-signature: OK (RSA/SHA256, key ID 0123456789ABCDEF, created ...)". */
    public String describe() {
        StringBuilder b = new StringBuilder(check).append(": ").append(status);
        StringBuilder extra = new StringBuilder();
        if (algorithm != null) {
            extra.append(algorithm).append('/').append(hash);
        }
        if (keyId != null) {
            extra.append(extra.length() > 0 ? ", " : "").append("key ID ").append(keyId);
        }
        if (created != null) {
            extra.append(", created ").append(created);
        }
        if (detail != null && !detail.isEmpty()) {
            extra.append(extra.length() > 0 ? "; " : "").append(detail);
        }
        if (extra.length() > 0) {
            b.append(" (").append(extra).append(')');
        }
        return b.toString();
    }
}
