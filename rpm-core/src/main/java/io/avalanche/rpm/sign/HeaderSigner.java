package io.avalanche.rpm.sign;

/**
 * Signs an RPM main header: returns one binary OpenPGP v4 signature packet (RSA, SHA-256 or SHA-512,
 * type 0x00) over exactly the given bytes. Implementations may live elsewhere (a remote signer,
 * the Jenkins controller); only the header bytes travel to them, never the payload.
 */
@FunctionalInterface
public interface HeaderSigner {
    byte[] sign(byte[] mainHeaderBytes);
}
