package io.avalanche.rpm.sign;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Signing packages in two halves that may run apart (the plugin reads and writes on an agent and signs on the
 * controller, where the key stays): {@link #headersToSign} reads and checks every package before any is changed;
 * the key signs every header ({@link #sign}); {@link #apply} writes the signatures, the public key
 * ({@link KeyExport}: never over another key) and release.json. A corrupt package, or a key or token failing
 * midway, leaves every package as it was.
 */
public final class PackageSigning {
    private PackageSigning() {
    }

    /** A signature packet made over a package's main header, and the SHA-256 of the header it covers. */
    public record Signature(Path file, byte[] packet, String headerSha256) {
        public Signature {
            packet = packet.clone();
        }

        @Override
        public byte[] packet() {
            return packet.clone();
        }
    }

    /**
     * What {@link #apply} did: each package's result, whether the key file was written (false: it already held the
     * key and was kept), and each release.json it updated, by directory.
     */
    public record Applied(List<SignResult> packages, Path keyFile, boolean keyWritten,
                          Map<Path, ReleaseManifest> manifests) {
        public Applied {
            packages = List.copyOf(packages);
            manifests = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(manifests));
        }
    }

    /** The *.rpm regular files of a release directory, in name order. */
    public static List<Path> packagesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SpecException(dir + " is not a directory: build the release first");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> PathNames.name(p).endsWith(".rpm") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + IoErrors.why(e), e);
        }
    }

    /**
     * Half one: the main header of every package, read and checked ({@link RpmSigner#headerToSign}: digests, payload
     * digest present); refuses a missing file or a corrupt package before anything is changed.
     */
    public static List<HeaderToSign> headersToSign(List<Path> rpms) {
        requireDistinctFiles(rpms);
        return rpms.stream().map(RpmSigner::headerToSign).toList();
    }

    /** Refuses (exit 2) a package path that is not a regular file: cheap, before a key is opened. */
    public static void requireFiles(List<Path> rpms) {
        for (Path p : rpms) {
            io.avalanche.rpm.PathNames.requirePackageFile(p);
        }
    }

    /**
     * As {@link #requireFiles}, and refuses (exit 2) a package named twice (by any path, links followed): it would be
     * signed and written twice.
     */
    public static void requireDistinctFiles(List<Path> rpms) {
        requireFiles(rpms);
        java.util.Map<Path, Path> seen = new java.util.HashMap<>();
        for (Path p : rpms) {
            Path real;
            try {
                real = p.toRealPath();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(p + ": " + IoErrors.why(e), e);
            }
            Path first = seen.putIfAbsent(real, p);
            if (first != null) {
                throw new SpecException(first + " and " + p + " are the same package; name each package once");
            }
        }
    }

    /** Signs every header with one signer, before any signature is written. */
    public static List<Signature> sign(List<HeaderToSign> headers, HeaderSigner signer) {
        return headers.stream().map(h -> new Signature(Path.of(h.file()), signer.sign(h.headerBytes()), h.sha256()))
                .toList();
    }

    /**
     * Half two: checks the key file may be written ({@link KeyExport#check}, before anything changes), applies each
     * signature ({@link RpmSigner#applySignature}: refused when the header changed since half one), writes the
     * public key, and records the new digests of the signed packages and the key file in the release.json of each
     * directory involved that has one.
     */
    public static Applied apply(List<Signature> signatures, KeyExport key) {
        boolean write = key.check();
        List<SignResult> results = new ArrayList<>();
        for (Signature s : signatures) {
            results.add(RpmSigner.applySignature(s.file(), s.packet(), s.headerSha256()));
        }
        if (write) {
            key.overwrite();
        }
        Map<Path, List<Path>> dirs = new LinkedHashMap<>();
        for (Signature s : signatures) {
            dirs.computeIfAbsent(PathNames.dir(s.file()), d -> new ArrayList<>()).add(s.file());
        }
        dirs.computeIfAbsent(PathNames.dir(key.target()), d -> new ArrayList<>());
        Map<Path, ReleaseManifest> manifests = new LinkedHashMap<>();
        dirs.forEach((dir, signed) -> {
            if (Files.isRegularFile(dir.resolve(ReleaseManifest.FILE_NAME))) {
                manifests.put(dir, updateManifest(dir, signed, key.target()));
            }
        });
        return new Applied(results, key.target(), write, manifests);
    }

    /** The new digests of the signed packages release.json lists, and the key file when it is in {@code dir}. */
    private static ReleaseManifest updateManifest(Path dir, List<Path> signed, Path keyFile) {
        ReleaseManifest m = ReleaseManifest.read(dir);
        java.util.Set<String> listed = new java.util.HashSet<>();
        m.files().forEach(a -> listed.add(a.name()));
        List<String> names = new ArrayList<>();
        signed.stream().map(PathNames::name).filter(listed::contains).forEach(names::add);
        if (PathNames.dir(keyFile).equals(dir)) {
            names.add(PathNames.name(keyFile));
        }
        ReleaseManifest updated = m.withFiles(dir, names);
        if (updated.files().isEmpty()) {
            throw new RpmException(dir.resolve(ReleaseManifest.FILE_NAME) + " lists no files: rebuild the release");
        }
        return updated;
    }
}
