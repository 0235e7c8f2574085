package io.avalanche.rpm.publish;

import java.nio.file.Path;

/** Opens a destination URL: {@code s3://BUCKET[/prefix]} or {@code file:DIR}. */
public final class Destinations {
    private Destinations() {
    }

    /** The store for a destination; S3 settings are used only for s3:// URLs. */
    public static ObjectStore open(String to, S3Settings s3) {
        if (to.startsWith("s3://")) {
            return S3Store.open(to, s3);
        }
        if (to.startsWith("file:")) {
            String rest = to.substring(5);
            if (rest.startsWith("//")) {
                return new FileStore(Path.of(java.net.URI.create(to)));
            }
            if (rest.isEmpty()) {
                throw new PublishException("destination 'file:' names no directory: give file:DIR");
            }
            return new FileStore(Path.of(rest));
        }
        throw new PublishException("destination '" + to + "' is neither s3://BUCKET[/prefix] nor file:DIR");
    }
}
