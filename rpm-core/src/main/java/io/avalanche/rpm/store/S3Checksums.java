package io.avalanche.rpm.store;

import io.avalanche.rpm.Digests;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.Arrays;

/** How {@link S3Store} knows an object it stored is the bytes it sent: the checksum S3 confirms, else a read-back. */
final class S3Checksums {
    private static final long DOWNLOAD_VERIFY_LIMIT = 32L << 20;

    private final S3Connection c;
    private final S3Store store;

    S3Checksums(S3Connection c, S3Store store) {
        this.c = c;
        this.store = store;
    }

    /**
     * How an upload is known good: S3 checked the x-amz-checksum-sha256 it received (it answers BadDigest otherwise)
     * and confirms it in its response; a store that does not confirm it is read back ({@link #verify}).
     */
    String checked(String key, byte[] sha256, long size, String echoed) {
        if (echoed == null) {
            return verify(key, sha256, size);
        }
        if (!echoed.equals(Digests.base64(sha256))) {
            throw mismatch(key, "S3 confirmed SHA-256 " + Digests.hex(Digests.fromBase64(echoed)) + ", expected "
                    + Digests.hex(sha256));
        }
        return S3Store.VERIFIED;
    }

    /** {@link ObjectStore#verify}: the server's full-object SHA-256, else the bytes read back, else the metadata. */
    String verify(String key, byte[] sha256, long size) {
        HeadObjectResponse h = store.headResponse(key).orElseThrow(() -> new StoreException(
                c.describe(key) + ": missing right after upload; re-run publish"));
        if (h.contentLength() != size) {
            throw mismatch(key, "size " + h.contentLength() + " instead of " + size);
        }
        String server = h.checksumSHA256();
        if (server != null && !server.contains("-")) {
            if (!Arrays.equals(Digests.fromBase64(server), sha256)) {
                throw mismatch(key, "S3 reports SHA-256 " + Digests.hex(Digests.fromBase64(server)) + ", expected "
                        + Digests.hex(sha256));
            }
            return S3Store.VERIFIED;
        }
        if (size <= DOWNLOAD_VERIFY_LIMIT) {
            byte[] body = store.get(key).orElseThrow(() -> mismatch(key, "vanished while verifying"));
            byte[] actual = Digests.sha256(body);
            if (!Arrays.equals(actual, sha256)) {
                throw mismatch(key, "downloaded bytes hash to " + Digests.hex(actual) + ", expected "
                        + Digests.hex(sha256));
            }
            return "server returned no full-object SHA-256; verified by downloading";
        }
        String meta = h.metadata().get(S3Store.SHA256_METADATA);
        if (meta == null || !meta.equals(Digests.hex(sha256))) {
            throw mismatch(key, "stored sha256 metadata is " + meta + ", expected " + Digests.hex(sha256));
        }
        return "server returned no full-object SHA-256; compared the stored sha256 metadata and size";
    }

    private StoreException mismatch(String key, String what) {
        return new StoreException(c.describe(key) + ": checksum mismatch after upload: " + what
                + "; the object is not trustworthy, re-run publish with --force to replace it");
    }
}
