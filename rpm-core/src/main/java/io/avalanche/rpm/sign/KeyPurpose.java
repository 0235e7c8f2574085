package io.avalanche.rpm.sign;

/**
 * What a key is asked for, which decides the rules it must meet: packaging, signing (a release signing refuses an
 * ephemeral key), publishing or releasing to a destination ({@code published}: customers verify it there, s3://),
 * or a pull-request smoke build.
 */
public record KeyPurpose(Kind kind, String destination, boolean published) {
    /** The commands and steps that take a key. */
    public enum Kind { PACKAGE, SIGN, SIGN_RELEASE, PUBLISH, RELEASE, PULL_REQUEST }

    /** {@code package}: signing is optional. */
    public static KeyPurpose packaging() {
        return new KeyPurpose(Kind.PACKAGE, null, false);
    }

    /** {@code sign}, {@code sign --release} ({@code release}: the release key only, never an ephemeral one). */
    public static KeyPurpose sign(boolean release) {
        return new KeyPurpose(release ? Kind.SIGN_RELEASE : Kind.SIGN, null, false);
    }

    /** {@code publish --to destination}: the key signs repodata/repomd.xml; {@code s3}: customers verify there. */
    public static KeyPurpose publish(String destination, boolean s3) {
        return new KeyPurpose(Kind.PUBLISH, destination, s3);
    }

    /** {@code release --tag} to {@code destination} (null: publish nothing); {@code s3}: customers verify there. */
    public static KeyPurpose release(String destination, boolean s3) {
        return new KeyPurpose(Kind.RELEASE, destination, s3);
    }

    /** {@code release --pr}: always an ephemeral key. */
    public static KeyPurpose pullRequest() {
        return new KeyPurpose(Kind.PULL_REQUEST, null, false);
    }

    /** True for sign and sign --release, whose packages must be signed. */
    boolean signs() {
        return kind == Kind.SIGN || kind == Kind.SIGN_RELEASE;
    }
}
