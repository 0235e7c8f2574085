package io.avalanche.rpm.publish;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a release lives in a destination, the one place that builds these paths: the root, an arch directory and its
 * packages, the public key file, each repository's repodata/, and the .repo file customers install.
 * {@link #SEED} is the seed's layout ({@code linux/rpms/<arch>/}, {@code RPM-GPG-KEY-avalanchego}); {@link #EL9} is
 * upstream's later one ({@code linux/rpms/rhel/el9/<arch>/}, {@code GPG-KEY-avalanchego}).
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

    /** The yum repository directory of one RPM arch, ending in {@code /}. */
    public String archDir(String rpmArch) {
        return root + rpmArch + "/";
    }

    /** The object key of a package file in its arch directory. */
    public String packageKey(String rpmArch, String fileName) {
        return archDir(rpmArch) + fileName;
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
}
