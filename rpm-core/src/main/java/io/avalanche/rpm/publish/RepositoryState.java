package io.avalanche.rpm.publish;

import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoSplice;
import io.avalanche.rpm.yum.Repomd;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a metadata update starts from: the current repomd.xml (bytes and version tag), the version tag of its .asc,
 * the packages its metadata describes (by href), and, once the listing is in ({@link #listed}, {@link #marked}), the
 * .rpm objects listed with their sizes and the packages a forced replacement marked ({@link Replacements}).
 */
final class RepositoryState {
    private final java.util.function.Supplier<Listing> listing;
    private final java.util.concurrent.Future<?> listingRequest;
    private final Optional<ObjectStore.Versioned> index;
    private final Optional<Repomd> parsed;
    private final String ascTag;
    private final byte[][] open;
    private final RepoSplice.Index splice;
    private Listing listed;

    /** The listing of a state: .rpm objects by name with their sizes, and the marked packages. */
    record Listing(Map<String, Long> listed, Set<String> marked) {
    }

    /**
     * @param listing the listing, sorted (asked for once, on first use)
     * @param listingRequest the request that lists (done: the listing is in)
     */
    RepositoryState(java.util.function.Supplier<Listing> listing, java.util.concurrent.Future<?> listingRequest,
                    Optional<ObjectStore.Versioned> index, Optional<Repomd> parsed, String ascTag, byte[][] open,
                    RepoSplice.Index splice) {
        this.listing = listing;
        this.listingRequest = listingRequest;
        this.index = index;
        this.parsed = parsed;
        this.ascTag = ascTag;
        this.open = open;
        this.splice = splice;
    }

    /** This state with {@code listing} in place of its own (what a computation assumes the listing holds). */
    RepositoryState assuming(Listing listing) {
        return new RepositoryState(() -> listing, java.util.concurrent.CompletableFuture.completedFuture(null), index,
                parsed, ascTag, open, splice);
    }

    private synchronized Listing listing() {
        if (listed == null) {
            listed = listing.get();
        }
        return listed;
    }

    /** Whether the listing is in, so {@link #listed} does not wait for it. */
    boolean listedYet() {
        return listingRequest.isDone();
    }

    Map<String, Long> listed() {
        return listing().listed();
    }

    Set<String> marked() {
        return listing().marked();
    }

    Optional<ObjectStore.Versioned> index() {
        return index;
    }

    Optional<Repomd> parsed() {
        return parsed;
    }

    String ascTag() {
        return ascTag;
    }

    byte[][] open() {
        return open;
    }

    RepoSplice.Index splice() {
        return splice;
    }

    /** The packages the current metadata describes, by href (parsed: only when the metadata is not spliced). */
    Map<String, PackageMetadata> known(YumRepository y) {
        Map<String, PackageMetadata> known = new HashMap<>();
        if (open != null) {
            for (PackageMetadata m : y.parseExisting(open)) {
                known.put(m.href(), m);
            }
        }
        return known;
    }
}
