package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.release.SigningApproval;
import io.avalanche.rpm.sign.HeaderToSign;
import io.avalanche.rpm.sign.KeyChoice;
import io.avalanche.rpm.sign.KeyExport;
import io.avalanche.rpm.sign.KeyPurpose;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.sign.MainHeaders;
import io.avalanche.rpm.sign.PackageSigning;
import io.avalanche.rpm.sign.Pkcs11Token;
import io.avalanche.rpm.sign.SignResult;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import io.avalanche.rpm.sign.TokenKeys;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.validate.TrustAnchor;
import io.avalanche.rpm.yum.Repomd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin's door into rpm-core's signing: what a key may be used for (rpm-core's KeyChoice and KeyPurpose),
 * unlocked keys (controller only), the signing approval of a build, and signing a release directory in rpm-core's
 * two halves (PackageSigning: headers read on the agent, signatures applied on the agent, signed on the controller).
 */
final class RpmCoreKeys {
    private RpmCoreKeys() {
    }

    /**
     * What a step asks a key for, as rpm-core's KeyPurpose names it: signing packages ({@code release}: a release
     * signing, which refuses an ephemeral key) or signing the repository metadata of {@code destination}.
     */
    record Use(boolean packages, boolean release, String destination) {
        static Use sign(boolean release) {
            return new Use(true, release, null);
        }

        /** Repository metadata of {@code destination} (s3://BUCKET[/prefix] or file:DIR, checked by rpm-core). */
        static Use publish(String destination) {
            return new Use(false, false, destination);
        }

        KeyPurpose purpose() {
            return packages ? KeyPurpose.sign(release)
                    : KeyPurpose.publish(destination, Destinations.check(destination).s3());
        }
    }

    /**
     * rpm-core's judgement of an ephemeral key for {@code use} (a release signing and an s3:// destination refuse
     * it): the key to open, or SpecException with rpm-core's reason.
     */
    static KeySource chooseEphemeral(Use use) {
        Optional<KeyChoice> c = KeyChoice.of(KeyRequest.ephemeralKey(), use.purpose());
        return (KeySource) c.orElseThrow();
    }

    /** rpm-core's judgement of no key for {@code use}: signing packages needs one (SpecException), metadata not. */
    static void chooseNone(Use use) {
        KeyChoice.of(KeyRequest.NONE, use.purpose());
    }

    /** A fresh in-memory RSA-4096 key that expires after one day, once rpm-core allowed it for {@code use}. */
    static Key ephemeralKey(Use use) {
        return new Key(chooseEphemeral(use).open());
    }

    /** A fresh ephemeral key for any use (tests of what a key is). */
    static Key ephemeralKey() {
        return new Key(SigningKeys.ephemeral());
    }

    /** An unlocked signing key. It lives on the controller only: not Serializable, so it cannot reach an agent. */
    static final class Key implements AutoCloseable {
        private final SigningKey key;

        private Key(SigningKey key) {
            this.key = key;
        }

        /** One OpenPGP v4 signature packet over exactly these main header bytes. */
        byte[] sign(byte[] mainHeaderBytes) {
            // the key signs RPM main headers only, never arbitrary bytes from an agent
            MainHeaders.require(mainHeaderBytes, "main header from the agent");
            return key.headerSigner().sign(mainHeaderBytes);
        }

        /**
         * The ASCII-armored detached signature over exactly these repomd.xml bytes (repomd.xml.asc); refuses bytes
         * that are not a repository index as rpm-core writes it (the key signs indexes, not whatever an agent sends).
         */
        byte[] signRepository(String dir, byte[] repomd) {
            Repomd.parseCanonical(repomd, RpmCorePublish.repomdPath(dir));
            return RepoSigner.of(key.headerSigner()).signDetached(repomd);
        }

        /**
         * The armored detached signature over bytes rpm-core hands over on the controller (the lifecycle's rewritten
         * repomd.xml, and the probe with which it checks the key against the published key file); never for bytes an
         * agent sent, which {@link #signRepository} checks first.
         */
        byte[] signForLifecycle(byte[] data) {
            return RepoSigner.of(key.headerSigner()).signDetached(data);
        }

        String keyId() {
            return key.keyId();
        }

        String fingerprint() {
            return key.fingerprint();
        }

        boolean ephemeral() {
            return key.ephemeral();
        }

        /** Where the private key is: "key file", "ephemeral" or the PKCS#11 token and key labels. */
        String holder() {
            return key.holder();
        }

        /** Ends the token session of a PKCS#11 key (nothing to do for other keys; idempotent). */
        @Override
        public void close() {
            key.close();
        }

        /** The ASCII-armored public key (published as RPM-GPG-KEY-avalanchego). */
        byte[] publicKey() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            key.exportPublicKey(out);
            return out.toByteArray();
        }
    }

    /** True when the bytes are a repository index as rpm-core writes it (a repomd.xml), for signature records. */
    static boolean isRepositoryIndex(byte[] data) {
        try {
            Repomd.parseCanonical(data, "repomd.xml");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Loads an armored secret key; {@code source} names it in messages (never the key or the passphrase). */
    static Key loadKey(InputStream armored, char[] passphrase, String source) {
        return new Key(SigningKeys.load(armored, passphrase, source));
    }

    /**
     * A key inside a PKCS#11 token attached to the controller: loads the module here, logs in with {@code pin}
     * (cleared afterwards), and binds the armored certificate, which must hold the token key's public key.
     */
    static Key tokenKey(Path module, String token, String keyLabel, char[] pin, InputStream certificate,
                        String certificateSource) {
        Pkcs11Token t;
        try {
            t = Pkcs11Token.open(module, token, pin, false);
        } finally {
            Arrays.fill(pin, '\0');
        }
        try {
            return new Key(TokenKeys.bind(certificate, certificateSource, t.signer(keyLabel)));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * Checks armored public key(s) as validation pins them (rpm-core's TrustAnchor.pinned): returns how rpm-core
     * describes the anchor ("pinned key ID (source)"), or SpecException when the bytes hold no usable public key.
     */
    static String checkPinned(byte[] armoredPublic, String source) {
        return TrustAnchor.pinned(armoredPublic, source).describe();
    }

    /** Checks the parameters of a signing approval (tag, arch, optional VM ID); else RpmException naming the bad one. */
    static void checkApproval(String tag, String respin, String arch, String vmId) {
        if (tag == null || arch == null) {
            throw new SpecException("a signing approval needs tag and arch");
        }
        SigningApproval.forBuild(tag, respin, arch, vmId);
    }

    /** name-version-release.arch of a main header (checked to be one); for records of signatures made without approval. */
    static String nevra(byte[] mainHeader) {
        return MainHeaders.nevra(MainHeaders.require(mainHeader, "main header from the agent"));
    }

    /**
     * The signing approval of a build (rpm-core's SigningApproval) applied to headers an agent sent: each must be
     * exactly a package of {@code tag} (RPM Release {@code respin}, null: 1) for {@code arch}, the plugin under {@code vmId}. Returns per header the NEVRA
     * (in the order of {@code headers}); throws RpmException naming the first refused field.
     */
    static List<String> approve(String tag, String respin, String arch, String vmId, Map<String, byte[]> headers) {
        List<String> r = new ArrayList<>();
        for (SigningApproval.Approved a : SigningApproval.forBuild(tag, respin, arch, vmId).approveAll(headers)) {
            r.add(a.nevra());
        }
        return r;
    }

    /**
     * Half one of rpmSign (agent): the main header of every *.rpm in the release directory, by file name in name
     * order, each read and checked by rpm-core (digests, payload digest present) before anything is changed. Sign
     * each on the controller with {@link Key#sign}, then hand the signatures to {@link #applySignatures}.
     */
    static LinkedHashMap<String, byte[]> headersToSign(Path dir) {
        LinkedHashMap<String, byte[]> r = new LinkedHashMap<>();
        for (HeaderToSign h : PackageSigning.headersToSign(PackageSigning.packagesIn(dir))) {
            r.put(PathNames.name(Path.of(h.file())), h.headerBytes());
        }
        return r;
    }

    /**
     * Half two of rpmSign (agent): writes each controller-made signature into its package ({@code packets}: file
     * name to signature packet; {@code headerSha256s}: file name to the SHA-256 of the header bytes the controller
     * signed, computed there; refused when a header changed since half one), writes {@code publicKey} (armored, from
     * {@link Key#publicKey}) as RPM-GPG-KEY-avalanchego unless that file already holds the key (a file holding
     * another key is refused, never overwritten), and records the new digests in release.json. Returns one map per
     * package: file, inPlace, headerSha256, size.
     */
    static List<Map<String, Object>> applySignatures(Path dir, Map<String, byte[]> packets,
                                                     Map<String, String> headerSha256s, byte[] publicKey) {
        List<PackageSigning.Signature> signatures = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : packets.entrySet()) {
            signatures.add(new PackageSigning.Signature(dir.resolve(e.getKey()), e.getValue(),
                    headerSha256s.get(e.getKey())));
        }
        PackageSigning.Applied applied = PackageSigning.apply(signatures,
                new KeyExport(dir.resolve(ReleaseManifest.KEY_FILE), publicKey));
        List<Map<String, Object>> files = new ArrayList<>();
        for (SignResult r : applied.packages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", PathNames.name(r.file()));
            m.put("inPlace", r.inPlace());
            m.put("headerSha256", r.headerSha256());
            m.put("size", r.fileSize());
            files.add(m);
        }
        return files;
    }

    /** The release directory's public key file name (rpmSign's result publicKey). */
    static String keyFileName() {
        return ReleaseManifest.KEY_FILE;
    }
}
