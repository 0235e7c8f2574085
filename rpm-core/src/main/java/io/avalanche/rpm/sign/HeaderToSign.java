package io.avalanche.rpm.sign;

/** The main header of one package as read for signing: its exact bytes and their SHA-256 (hex). */
public record HeaderToSign(String file, byte[] headerBytes, String sha256) implements java.io.Serializable {

    public HeaderToSign {
        headerBytes = headerBytes.clone();
    }

    @Override
    public byte[] headerBytes() {
        return headerBytes.clone();
    }
}
