package io.avalanche.rpm.validate;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Local copies of a release: package name → RPM file (in one directory), and the published key. */
public record FetchedRelease(Map<String, Path> rpms, Path publicKey) {
    public FetchedRelease {
        rpms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rpms));
    }
}
