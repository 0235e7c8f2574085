package io.avalanche.rpm.validate;

import io.avalanche.rpm.SpecException;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Function;

/** Parses {@code --from}: a directory, {@code file:DIR}, or {@code s3://BUCKET[/prefix]} (via a factory). */
public final class ReleaseSources {
    private ReleaseSources() {
    }

    /** Without S3 support: s3:// sources are refused with a usage error. */
    public static ReleaseSource parse(String from) {
        return parse(from, uri -> {
            throw new SpecException("--from " + uri + ": S3 sources are not available in this build; "
                    + "use a release directory or file:DIR");
        });
    }

    /** {@code s3Factory} builds the S3 source (the publish module's client) from the s3:// URI. */
    public static ReleaseSource parse(String from, Function<URI, ReleaseSource> s3Factory) {
        if (from == null || from.isBlank()) {
            throw new SpecException("--from is required: a release directory, file:DIR or s3://BUCKET[/prefix]");
        }
        if (from.startsWith("s3://")) {
            return s3Factory.apply(URI.create(from));
        }
        if (from.startsWith("file:")) {
            String p = from.substring("file:".length());
            if (p.startsWith("//")) {
                p = URI.create(from).getPath();
            }
            return LocalSources.bucketDirectory(Path.of(p));
        }
        if (from.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new SpecException("--from " + from + ": unsupported scheme; use DIR, file:DIR or s3://BUCKET");
        }
        return LocalSources.releaseDirectory(Path.of(from));
    }
}
