package io.avalanche.rpm.store;


import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The SHA-256 of a whole file and, when it goes up in parts of {@code partSize} bytes (0: one PUT), of each part:
 * made in one read pass, so the checksums a store checks on upload are those of the bytes that were verified.
 */
public record FileHashes(byte[] sha256, long size, long partSize, List<byte[]> parts) {
    public FileHashes {
        sha256 = sha256.clone();
        parts = List.copyOf(parts);
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    public String hex() {
        return Digests.hex(sha256);
    }

    /** Hashes for a file whose whole SHA-256 is known and that goes up in one request. */
    public static FileHashes whole(byte[] sha256, long size) {
        return new FileHashes(sha256, size, 0, List.of());
    }

    /** Reads the file once (for callers that do not verify it on the way, e.g. the key file). */
    public static FileHashes of(Path file, long partSize) {
        Hasher h = new Hasher(partSize);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                h.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.why(e), e);
        }
        return h.finish();
    }

    /** Computes {@link FileHashes} from the bytes of a file handed over in order (a verifier's read pass). */
    public static final class Hasher {
        private final long partSize;
        private final MessageDigest whole = Digests.sha256();
        private final List<byte[]> parts = new ArrayList<>();
        private MessageDigest part;
        private long inPart;
        private long size;

        public Hasher(long partSize) {
            this.partSize = partSize;
            this.part = partSize > 0 ? Digests.sha256() : null;
        }

        public void update(byte[] b, int off, int len) {
            whole.update(b, off, len);
            size += len;
            if (part == null) {
                return;
            }
            int o = off;
            int left = len;
            while (left > 0) {
                int n = (int) Math.min(left, partSize - inPart);
                part.update(b, o, n);
                inPart += n;
                o += n;
                left -= n;
                if (inPart == partSize) {
                    parts.add(part.digest());
                    inPart = 0;
                }
            }
        }

        public FileHashes finish() {
            if (part != null && inPart > 0) {
                parts.add(part.digest());
                inPart = 0;
            }
            return new FileHashes(whole.digest(), size, partSize, parts);
        }
    }
}
