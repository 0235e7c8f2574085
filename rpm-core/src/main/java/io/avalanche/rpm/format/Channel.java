package io.avalanche.rpm.format;

import io.avalanche.rpm.SpecException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * The one rule that says where a release is offered: a plain {@code vX.Y.Z} is {@link #STABLE}; a mainnet release
 * candidate ({@code -rc.N}) is {@link #TESTING}; a build of the Fuji network line ({@code -fuji}, {@code -fuji-rc.N},
 * {@code -fuji-...}) is {@link #FUJI}; any other pre-release identifier ({@code -firewood}, {@code -db-metrics-fix},
 * pull-request builds) is {@link #EXPERIMENTAL}. Every channel but stable is opt-in.
 */
public enum Channel {
    STABLE("stable"),
    TESTING("testing"),
    FUJI("fuji"),
    EXPERIMENTAL("experimental");

    /** Network lines upstream tags builds for, other than mainnet (RELEASES.md: Fuji builds cannot run mainnet). */
    private static final Set<String> NETWORK_LINES = Set.of("fuji");

    private final String id;

    Channel(String id) {
        this.id = id;
    }

    /** The name users see ({@code stable}, {@code testing}, {@code fuji}, {@code experimental}). */
    public String id() {
        return id;
    }

    /** True for the channel every customer gets by default. */
    public boolean stable() {
        return this == STABLE;
    }

    /** The channel of a release tag. */
    public static Channel of(ReleaseTag tag) {
        return ofPreRelease(tag.preRelease());
    }

    /**
     * The channel of an RPM version as tags map to it ({@code 1.14.1} stable, {@code 1.14.1~rc.2} testing,
     * {@code 1.15.0~fuji_rc.4} fuji): the same rule, read back through the mapping.
     */
    public static Channel ofVersion(String rpmVersion) {
        int tilde = rpmVersion == null ? -1 : rpmVersion.indexOf('~');
        return ofPreRelease(tilde < 0 ? null : rpmVersion.substring(tilde + 1).replace('_', '-'));
    }

    /** The rule itself, on a semver pre-release ({@code null}: none). */
    static Channel ofPreRelease(String pre) {
        if (pre == null || pre.isEmpty()) {
            return STABLE;
        }
        String first = pre.split("[.-]", 2)[0].toLowerCase(Locale.ROOT);
        if (first.equals("rc")) {
            return TESTING;
        }
        return NETWORK_LINES.contains(first) ? FUJI : EXPERIMENTAL;
    }

    /** The channel named {@code name} (case-insensitive), or a usage error listing the names. */
    public static Channel named(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.id.equals(n)).findFirst().orElseThrow(() -> new SpecException(
                "--channel " + name + ": not a channel; choose " + Arrays.stream(values()).map(Channel::id).toList()));
    }
}
