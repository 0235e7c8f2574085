package io.avalanche.rpm.validate;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.format.Evr;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * What one channel's repository of one arch offers, read from its published metadata (what dnf reads): the releases
 * listed, the one before a given release, and a local copy of the repository for a dnf client that has no access to
 * the store (the published .repo file with only its baseurl and gpgkey pointed at the copy).
 */
final class ChannelHistory {
    /** Where the copy is mounted for the client (a container path, or the copy's own path on the host). */
    static final String MOUNT = "/repo";

    private final ObjectStore store;
    private final Layout layout;
    private final Channel channel;
    private final String dir;
    private final byte[] repomd;
    private final Repomd index;
    private final List<PackageMetadata> listed;

    private ChannelHistory(ObjectStore store, Layout layout, Channel channel, String dir, byte[] repomd, Repomd index,
                           List<PackageMetadata> listed) {
        this.store = store;
        this.layout = layout;
        this.channel = channel;
        this.dir = dir;
        this.repomd = repomd;
        this.index = index;
        this.listed = listed;
    }

    /** Reads the channel's metadata for an arch; a RpmException names what is missing or damaged. */
    static ChannelHistory read(ObjectStore store, Layout layout, Channel channel, String rpmArch) {
        String dir = layout.archDir(channel, rpmArch);
        String key = Layout.repomd(dir);
        byte[] repomd = store.get(key).orElseThrow(() -> new ValidationException(store.describe(key)
                + " not found: the " + channel.id() + " channel has no repository for " + rpmArch));
        Repomd index = Repomd.parse(repomd, store.describe(key));
        byte[][] open = new byte[3][];
        String[] types = {"primary", "filelists", "other"};
        for (int i = 0; i < types.length; i++) {
            Repomd.Entry e = index.entry(types[i]).orElseThrow();
            byte[] gz = store.get(dir + e.href()).orElseThrow(() -> new ValidationException(
                    store.describe(dir + e.href()) + " not found"));
            if (!Digests.sha256Hex(gz).equalsIgnoreCase(e.checksum())) {
                throw new ValidationException(store.describe(dir + e.href()) + " does not match repomd.xml");
            }
            open[i] = gunzip(gz, store.describe(dir + e.href()));
        }
        return new ChannelHistory(store, layout, channel, dir, repomd, index, RepoXml.read(open[0], open[1], open[2]));
    }

    /** The version-release of a package name this repository lists, newest first. */
    List<Evr> releases(String name) {
        return listed.stream().filter(m -> m.name().equals(name)).map(ChannelHistory::evr).distinct()
                .sorted(Evr.ORDER.reversed()).toList();
    }

    /** The newest release of {@code name} listed that is older than {@code current}. */
    Optional<Evr> previous(String name, Evr current) {
        return releases(name).stream().filter(e -> e.compareTo(current) < 0).findFirst();
    }

    /** The listed package of a name at a release. */
    Optional<PackageMetadata> entry(String name, Evr evr) {
        return listed.stream().filter(m -> m.name().equals(name) && evr(m).equals(evr)).findFirst();
    }

    /** The channel's .repo section name, as published. */
    String repoName() {
        return Layout.repoName(Layout.REPO_NAME, channel);
    }

    /**
     * Copies what a client needs to install {@code packages} from this repository into {@code copy}, under the same
     * keys: the channel's .repo file (into {@code copy/yum.repos.d/}, its baseurl and gpgkey pointed at
     * {@code file://<mountedAt>/...}; every other line as published), the key file, repomd.xml and its signature,
     * the metadata files and the packages. Returns the .repo file's text.
     */
    String copy(Path copy, Collection<PackageMetadata> packages, String mountedAt) {
        String repoKey = layout.repoFile(channel);
        byte[] repoFile = store.get(repoKey).orElseThrow(() -> new ValidationException(store.describe(repoKey)
                + " not found: customers of the " + channel.id() + " channel have no repository definition"));
        try {
            fetch(layout.keyFile(), copy);
            Files.createDirectories(copy.resolve(dir + "repodata"));
            Files.write(copy.resolve(Layout.repomd(dir)), repomd);
            fetch(Layout.repomdSignature(dir), copy);
            for (Repomd.Entry e : index.entries()) {
                fetch(dir + e.href(), copy);
            }
            for (PackageMetadata m : packages) {
                fetch(dir + m.href(), copy);
            }
            String base = "file://" + mountedAt + "/";
            List<String> lines = new ArrayList<>();
            for (String line : new String(repoFile, StandardCharsets.UTF_8).split("\n", -1)) {
                String k = line.contains("=") ? line.substring(0, line.indexOf('=')).trim() : "";
                if (k.equals("baseurl")) {
                    lines.add("baseurl=" + base + layout.channelDir(channel) + "$basearch/");
                } else if (k.equals("gpgkey")) {
                    lines.add("gpgkey=" + base + layout.keyFile());
                } else {
                    lines.add(line);
                }
            }
            String text = String.join("\n", lines);
            Path repos = Files.createDirectories(copy.resolve("yum.repos.d"));
            Files.writeString(repos.resolve(repoName() + ".repo"), text);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the repository to " + copy + ": " + IoErrors.why(e), e);
        }
    }

    private void fetch(String key, Path copy) throws IOException {
        Path target = copy.resolve(key).normalize();
        if (!target.startsWith(copy) || key.contains("..") || target.equals(copy)) {
            throw new ValidationException(store.describe(key) + ": a location outside the repository");
        }
        Files.createDirectories(io.avalanche.rpm.PathNames.dir(target));
        if (store.head(key).isEmpty()) {
            throw new ValidationException(store.describe(key) + " not found (named by the published repository)");
        }
        store.download(key, target);
    }

    static Evr evr(PackageMetadata m) {
        long epoch = m.epoch() == null || m.epoch().isEmpty() ? 0 : Long.parseLong(m.epoch());
        return new Evr(epoch, m.version(), m.release());
    }

    private static byte[] gunzip(byte[] gz, String where) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RpmException(where + " is not valid gzip: " + e.getMessage(), e);
        }
    }
}
