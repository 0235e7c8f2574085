package io.avalanche.rpm.validate;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;
import io.avalanche.rpm.verify.DetachedSignature;
import io.avalanche.rpm.pgp.TrustedKeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Checks the published yum repository of a release as dnf with gpgcheck=1 and repo_gpgcheck=1 would see it:
 * the .repo file enables both checks, repomd.xml carries a good signature (repomd.xml.asc) by the trusted key,
 * every metadata file it names matches its checksums and size, and primary lists every released package with
 * its SHA-256, size and location.
 */
public final class RepositoryCheck {
    /** The report's package (JUnit classname) for checks of the repository as a whole. */
    public static final String REPOSITORY = "repository";
    public static final String REPO_FILE = "repo-file";
    public static final String REPOMD_SIGNATURE = "repomd-signature";
    public static final String METADATA = "repo-metadata";
    /** Per released package: listed in primary with its checksum and location. */
    public static final String LISTING = "repo-listing";
    private static final List<String> TYPES = List.of("primary", "filelists", "other");

    private final ObjectStore store;
    private final Layout layout;
    private final Instant now;

    public RepositoryCheck(ObjectStore store, Layout layout, Instant now) {
        this.store = store;
        this.layout = layout;
        this.now = now;
    }

    /** Every check of the repository holding {@code rel} (fetched from this store); never throws for bad data. */
    public List<CheckOutcome> check(ReleaseRef ref, FetchedRelease rel) {
        List<CheckOutcome> out = new ArrayList<>();
        out.add(timed(REPOSITORY, REPO_FILE, () -> repoFile(ref)));
        String dir = layout.archDir(ref.channel(), ref.rpmArch());
        String repomdKey = Layout.repomd(dir);
        Optional<byte[]> repomd = get(repomdKey);
        if (repomd.isEmpty()) {
            String why = store.describe(repomdKey) + " not found: the release is not in a yum repository; publish it"
                    + " again with rpm-release publish --key";
            out.add(CheckOutcome.failed(REPOSITORY, REPOMD_SIGNATURE, why, "", Duration.ZERO));
            out.add(CheckOutcome.skipped(REPOSITORY, METADATA, "not checked: no repomd.xml"));
            rel.rpms().keySet().forEach(n -> out.add(CheckOutcome.skipped(n, LISTING, "not checked: no repomd.xml")));
            return out;
        }
        out.add(timed(REPOSITORY, REPOMD_SIGNATURE, () -> signature(repomdKey, repomd.get(), rel.publicKey())));
        Repomd index;
        byte[][] docs = new byte[TYPES.size()][];
        List<String> problems = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            index = Repomd.parse(repomd.get(), store.describe(repomdKey));
            for (int i = 0; i < TYPES.size(); i++) {
                docs[i] = metadataFile(dir, index, TYPES.get(i), problems);
            }
        } catch (RpmException e) {
            problems.add(e.getMessage());
        }
        out.add(problems.isEmpty()
                ? CheckOutcome.passed(REPOSITORY, METADATA, "primary, filelists and other match the checksums and sizes"
                + " in repomd.xml", "", since(t0))
                : CheckOutcome.failed(REPOSITORY, METADATA, String.join("; ", problems), "", since(t0)));
        if (docs[0] == null) {
            rel.rpms().keySet().forEach(n -> out.add(CheckOutcome.failed(n, LISTING,
                    "cannot check the listing: " + store.describe(Layout.repodata(dir)) + " has no usable primary", "",
                    Duration.ZERO)));
            return out;
        }
        List<PackageMetadata> listed;
        try {
            listed = RepoXml.read(docs[0], docs[1] == null ? empty("filelists") : docs[1],
                    docs[2] == null ? empty("otherdata") : docs[2]);
        } catch (RpmException | NumberFormatException e) {
            rel.rpms().keySet().forEach(n -> out.add(CheckOutcome.failed(n, LISTING,
                    "primary of " + store.describe(dir) + " cannot be read: " + e.getMessage(), "", Duration.ZERO)));
            return out;
        }
        for (Map.Entry<String, Path> e : rel.rpms().entrySet()) {
            out.add(timed(e.getKey(), LISTING, () -> listing(dir, listed, e.getValue())));
        }
        return out;
    }

    private Outcome repoFile(ReleaseRef ref) {
        String key = layout.repoFile(ref.channel());
        Optional<byte[]> b = get(key);
        if (b.isEmpty()) {
            return new Outcome(false, store.describe(key) + " not found: customers have no repository definition;"
                    + " publish the release again");
        }
        String gpgcheck = null;
        String repoGpgcheck = null;
        for (String line : new String(b.get(), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String v = line.substring(eq + 1).trim();
            if (k.equals("gpgcheck")) {
                gpgcheck = v;
            } else if (k.equals("repo_gpgcheck")) {
                repoGpgcheck = v;
            }
        }
        List<String> wrong = new ArrayList<>();
        if (!"1".equals(gpgcheck)) {
            wrong.add("gpgcheck=" + gpgcheck);
        }
        if (!"1".equals(repoGpgcheck)) {
            wrong.add("repo_gpgcheck=" + repoGpgcheck);
        }
        return wrong.isEmpty() ? new Outcome(true, store.describe(key) + " has gpgcheck=1 and repo_gpgcheck=1")
                : new Outcome(false, store.describe(key) + " has " + String.join(", ", wrong) + ": dnf would not check"
                + " every signature; it must say gpgcheck=1 and repo_gpgcheck=1 (publish with --key)");
    }

    private Outcome signature(String repomdKey, byte[] repomd, Path publicKey) {
        Optional<byte[]> asc = get(repomdKey + ".asc");
        if (asc.isEmpty()) {
            return new Outcome(false, store.describe(repomdKey + ".asc") + " not found: repomd.xml is unsigned, so dnf"
                    + " with repo_gpgcheck=1 refuses the repository; publish with --key");
        }
        var r = DetachedSignature.verify(REPOMD_SIGNATURE, repomd, asc.get(), TrustedKeys.load(publicKey), now);
        return r.ok() ? new Outcome(true, "repomd.xml is signed by key " + r.keyId() + " of the trusted key")
                : new Outcome(false, store.describe(repomdKey) + ": signature " + r.status() + " against the trusted"
                + " key (" + r.describe() + "); the index was changed or signed with another key");
    }

    /** The open document of one type, or null with a problem noted. */
    private byte[] metadataFile(String dir, Repomd index, String type, List<String> problems) {
        Optional<Repomd.Entry> e = index.entry(type);
        if (e.isEmpty()) {
            problems.add("repomd.xml names no " + type);
            return null;
        }
        String key = dir + e.get().href();
        Optional<byte[]> gz = e.get().href() == null || e.get().href().contains("..") ? Optional.empty() : get(key);
        if (gz.isEmpty()) {
            problems.add(store.describe(dir) + e.get().href() + " (" + type + ") not found");
            return null;
        }
        String sha = Digests.sha256Hex(gz.get());
        if (!sha.equalsIgnoreCase(String.valueOf(e.get().checksum())) || gz.get().length != e.get().size()) {
            problems.add(store.describe(key) + " has SHA-256 " + sha + " and " + gz.get().length + " bytes; repomd.xml"
                    + " says " + e.get().checksum() + " and " + e.get().size());
            return null;
        }
        byte[] open;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.get()))) {
            open = in.readAllBytes();
        } catch (IOException ex) {
            problems.add(store.describe(key) + " is not valid gzip: " + ex.getMessage());
            return null;
        }
        if (!Digests.sha256Hex(open).equalsIgnoreCase(String.valueOf(e.get().openChecksum()))) {
            problems.add(store.describe(key) + ": the uncompressed " + type + " does not match its open-checksum");
            return null;
        }
        return open;
    }

    private Outcome listing(String dir, List<PackageMetadata> listed, Path rpm) {
        String file = io.avalanche.rpm.PathNames.name(rpm);
        String sha = Digests.hex(Digests.sha256(rpm));
        long size;
        try {
            size = Files.size(rpm);
        } catch (IOException e) {
            throw new UncheckedIOException(rpm + ": cannot stat: " + IoErrors.why(e), e);
        }
        List<PackageMetadata> same = listed.stream().filter(m -> file.equals(m.href())).toList();
        if (same.isEmpty()) {
            return new Outcome(false, "primary of " + store.describe(dir) + " does not list " + file + " ("
                    + listed.size() + " packages listed): dnf cannot install it; publish the release again");
        }
        PackageMetadata m = same.get(0);
        if (!sha.equalsIgnoreCase(m.sha256()) || m.packageSize() != size) {
            return new Outcome(false, "primary lists " + file + " with SHA-256 " + m.sha256() + " and " + m.packageSize()
                    + " bytes; the published file has " + sha + " and " + size + " (dnf would refuse the download)");
        }
        return new Outcome(true, "listed in primary at " + file + " with its SHA-256 and size");
    }

    private Optional<byte[]> get(String key) {
        return store.get(key);
    }

    private static byte[] empty(String root) {
        return ("<" + root + "/>").getBytes(StandardCharsets.UTF_8);
    }

    private record Outcome(boolean ok, String message) {
    }

    private static CheckOutcome timed(String pkg, String check, java.util.function.Supplier<Outcome> body) {
        long t0 = System.nanoTime();
        try {
            Outcome o = body.get();
            return o.ok() ? CheckOutcome.passed(pkg, check, o.message(), "", since(t0))
                    : CheckOutcome.failed(pkg, check, o.message(), "", since(t0));
        } catch (RpmException | UncheckedIOException e) {
            return CheckOutcome.failed(pkg, check, e.getMessage(), "", since(t0));
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
