package io.avalanche.rpm.format;

/** Outcome of one package check, in rpm's vocabulary. */
public enum CheckStatus {
    /** The digest or signature matches. */
    OK,
    /** Present but wrong, malformed, or refused by policy (SHA-1, expired or revoked key, non-RSA). */
    BAD,
    /** A signature whose key is not among the trusted keys. */
    NOKEY,
    /** A required digest or signature is absent. */
    MISSING
}
