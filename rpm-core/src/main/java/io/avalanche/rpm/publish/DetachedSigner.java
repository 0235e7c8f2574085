package io.avalanche.rpm.publish;

/** Makes an ASCII-armored detached OpenPGP signature of some bytes (used for repodata/repomd.xml.asc). */
@FunctionalInterface
public interface DetachedSigner {
    /** Returns the armored signature ("-----BEGIN PGP SIGNATURE-----...") over {@code data}. */
    byte[] signDetached(byte[] data);
}
