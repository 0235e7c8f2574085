package io.avalanche.rpm.publish;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.manifest.ReleaseManifest;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a release lives in a destination, the one place that builds these paths: the root, each channel's arch
 * directories and their packages, the public key file, each repository's repodata/, the .repo file of each channel
 * and the yank records. {@link #SEED} is the seed's layout ({@code linux/rpms/<arch>/}, {@code RPM-GPG-KEY-avalanchego});
 * {@link #EL9} is upstream's later one ({@code linux/rpms/rhel/el9/<arch>/}, {@code GPG-KEY-avalanchego}). The
 * stable channel lives at the root ({@code <root><arch>/}, {@code avalanchego.repo}); every other channel in a
 * directory of its name ({@code <root>testing/<arch>/}, {@code avalanchego-testing.repo}).
 */
public enum Layout {
    SEED("seed", "linux/rpms/", ReleaseManifest.KEY_FILE),
    EL9("el9", "linux/rpms/rhel/el9/", "GPG-KEY-avalanchego");

    /** The repository name of the stable channel, and the base name of its .repo file. */
    public static final String REPO_NAME = "avalanchego";
    /** A repository's metadata directory, relative to its arch directory. */
    public static final String REPODATA = "repodata/";
    /** A repository's index, relative to its arch directory. */
    public static final String REPOMD = REPODATA + "repomd.xml";
    /** Where the yank records are, relative to the root. */
    public static final String YANKED = "yanked/";

    private final String id;
    private final String root;
    private final String keyFile;

    Layout(String id, String root, String keyFile) {
        this.id = id;
        this.root = root;
        this.keyFile = keyFile;
    }

    /** The layout named {@code name} (case-insensitive), or a usage error listing the names. */
    public static Layout named(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(l -> l.id.equals(n)).findFirst().orElseThrow(() -> new SpecException(
                "--layout " + name + ": not a layout; choose " + Arrays.stream(values()).map(l -> l.id).toList()));
    }

    /** The name users give ({@code seed}, {@code el9}). */
    public String id() {
        return id;
    }

    /** The directory every published object lives under, ending in {@code /}. */
    public String root() {
        return root;
    }

    /** The public key's file name, as published. */
    public String keyFileName() {
        return keyFile;
    }

    /** The public key's object key. */
    public String keyFile() {
        return root + keyFile;
    }

    /** The stable channel's yum repository directory of one RPM arch, ending in {@code /}. */
    public String archDir(String rpmArch) {
        return archDir(Channel.STABLE, rpmArch);
    }

    /** The directory a channel's arch directories are in: the root for stable, else {@code <root><channel>/}. */
    public String channelDir(Channel channel) {
        return channel.stable() ? root : root + channel.id() + "/";
    }

    /** {@link #channelDir} relative to the root ({@code ""} or {@code testing/}), for URLs under the root's. */
    public String channelPath(Channel channel) {
        return channelDir(channel).substring(root.length());
    }

    /** The yum repository directory of one channel and RPM arch, ending in {@code /}. */
    public String archDir(Channel channel, String rpmArch) {
        return channelDir(channel) + rpmArch + "/";
    }

    /** The object key of a package file in the stable channel's arch directory. */
    public String packageKey(String rpmArch, String fileName) {
        return archDir(rpmArch) + fileName;
    }

    /** The object key of a package file in a channel's arch directory. */
    public String packageKey(Channel channel, String rpmArch, String fileName) {
        return archDir(channel, rpmArch) + fileName;
    }

    /**
     * The channel whose repository {@code dir} (an {@link #archDir}) is, or empty when it is not one of this layout's
     * repository directories.
     */
    public java.util.Optional<Channel> channelOf(String dir) {
        if (dir == null || !dir.startsWith(root) || !dir.endsWith("/")) {
            return java.util.Optional.empty();
        }
        String[] parts = dir.substring(root.length(), dir.length() - 1).split("/", -1);
        if (parts.length == 1 && !parts[0].isEmpty()) {
            return java.util.Optional.of(Channel.STABLE);
        }
        if (parts.length == 2 && !parts[1].isEmpty()) {
            return Arrays.stream(Channel.values()).filter(c -> !c.stable() && c.id().equals(parts[0])).findFirst();
        }
        return java.util.Optional.empty();
    }

    /** The object key of the published record of a yanked tag. */
    public String yankRecord(String tag) {
        return root + YANKED + tag + ".json";
    }

    /** The directory the yank records are in. */
    public String yankDir() {
        return root + YANKED;
    }

    /** The object key of a repository's repomd.xml; {@code dir} is an {@link #archDir}. */
    public static String repomd(String dir) {
        return dir + REPOMD;
    }

    /** The object key of a repository's detached index signature. */
    public static String repomdSignature(String dir) {
        return dir + REPOMD + ".asc";
    }

    /** The metadata directory of a repository; {@code dir} is an {@link #archDir}. */
    public static String repodata(String dir) {
        return dir + REPODATA;
    }

    /** The object key of the .repo file of a repository named {@code repoName}. */
    public String repoFile(String repoName) {
        return root + repoName + ".repo";
    }

    /** The stable channel's .repo file ({@code avalanchego.repo}). */
    public String repoFile() {
        return repoFile(REPO_NAME);
    }

    /** The repository (and .repo section) name of a channel: {@code base} for stable, else {@code base-<channel>}. */
    public static String repoName(String base, Channel channel) {
        return channel.stable() ? base : base + "-" + channel.id();
    }

    /** The object key of a channel's .repo file ({@code avalanchego.repo}, {@code avalanchego-testing.repo}). */
    public String repoFile(Channel channel) {
        return repoFile(repoName(REPO_NAME, channel));
    }

    /**
     * Refuses a base URL that could not stand as the .repo file's baseurl and gpgkey: only http, https, ftp or
     * file, with a host where the scheme has one, and no space, line break, query or fragment (a line break would
     * add lines to the customers' .repo file).
     */
    public static void checkBaseUrl(String url) {
        if (url == null) {
            return;
        }
        java.net.URI u = null;
        try {
            u = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        String scheme = u == null || u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean hosted = List.of("http", "https", "ftp").contains(scheme);
        boolean noHost = u == null || u.getHost() == null || u.getHost().isEmpty();
        if (u == null || !(hosted || scheme.equals("file")) || hosted && noHost || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            throw new SpecException("--base-url '" + url.replaceAll("\\p{Cntrl}", "?") + "' is not an http,"
                    + " https, ftp or file URL without query or fragment (e.g. https://cdn.example.com/rpms): it"
                    + " becomes the baseurl and gpgkey of the published .repo file");
        }
    }
}
