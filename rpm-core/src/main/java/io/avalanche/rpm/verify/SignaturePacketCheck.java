package io.avalanche.rpm.verify;

import io.avalanche.rpm.format.PackageDigests;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.format.CheckStatus;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.pgp.KeyPolicy;
import io.avalanche.rpm.pgp.SignaturePacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.IOException;
import java.time.Instant;

/**
 * Verifies one OpenPGP signature packet from a signature-header tag the way RHEL 9 does: exactly one
 * v4 binary signature, RSA, SHA-256 or stronger, by a trusted key that is neither expired nor revoked.
 * Created by {@link #start}, fed with {@link #update}, finished with {@link #finish}.
 */
final class SignaturePacketCheck implements PackageDigests.Sink {
    private final String name;
    private final PGPSignature sig;
    private final CheckResult early;

    private SignaturePacketCheck(String name, PGPSignature sig, CheckResult early) {
        this.name = name;
        this.sig = sig;
        this.early = early;
    }

    static SignaturePacketCheck start(String name, byte[] packet, TrustedKeys keys, Instant now) {
        PGPSignature s;
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(packet);
            Object o = f.nextObject();
            if (!(o instanceof PGPSignatureList list) || list.size() != 1 || f.nextObject() != null) {
                return bad(name, "not exactly one OpenPGP signature packet");
            }
            s = list.get(0);
            byte[] body = SignaturePacket.body(packet);
            if (body == null || !java.util.Arrays.equals(body, SignaturePacket.body(s.getEncoded()))) {
                return bad(name, "OpenPGP signature packet has trailing or missing bytes");
            }
        } catch (IOException | RuntimeException e) {
            return bad(name, "malformed OpenPGP signature packet (" + e.getClass().getSimpleName() + ")");
        }
        String keyId = KeyPolicy.keyIdHex(s.getKeyID());
        String alg = KeyPolicy.algorithmName(s.getKeyAlgorithm());
        String hash = KeyPolicy.hashName(s.getHashAlgorithm());
        Instant created = s.getCreationTime() == null ? null : s.getCreationTime().toInstant();
        if (s.getVersion() != 4) {
            return fail(name, CheckStatus.BAD, "v" + s.getVersion() + " signature; RHEL 9 accepts only v4", s);
        }
        if (s.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
            return fail(name, CheckStatus.BAD, "signature type " + s.getSignatureType() + ", expected 0 (binary)", s);
        }
        if (!KeyPolicy.strongHash(s.getHashAlgorithm())) {
            return fail(name, CheckStatus.BAD, hash + " signatures are rejected (as on RHEL 9); re-sign with SHA-256", s);
        }
        if (!KeyPolicy.isRsa(s.getKeyAlgorithm())) {
            return fail(name, CheckStatus.BAD, alg + " signatures are not accepted; sign with an RSA key", s);
        }
        PGPPublicKey key = keys.key(s.getKeyID());
        if (key == null) {
            return fail(name, CheckStatus.NOKEY, "no trusted key with ID " + keyId, s);
        }
        PGPPublicKey primary = keys.primaryOf(s.getKeyID());
        var problems = KeyPolicy.problems(primary, key, now);
        if (!problems.isEmpty()) {
            return fail(name, CheckStatus.BAD, String.join("; ", problems), s);
        }
        if (created != null && created.isBefore(key.getCreationTime().toInstant())) {
            return fail(name, CheckStatus.BAD, "signature is older than its key", s);
        }
        if (key.getAlgorithm() != s.getKeyAlgorithm()) {
            return fail(name, CheckStatus.BAD, "signature algorithm does not match key " + keyId, s);
        }
        try {
            s.init(new BcPGPContentVerifierBuilderProvider(), key);
        } catch (PGPException | RuntimeException e) {
            return fail(name, CheckStatus.BAD, "cannot use key " + keyId + " (" + e.getMessage() + ")", s);
        }
        return new SignaturePacketCheck(name, s, null);
    }

    /**
     * The public-key algorithm of the one signature in this packet as rpm names it ("RSA", "DSA", "EdDSA",
     * "ECDSA"), or "unreadable (non-RSA)" when the packet cannot be parsed.
     */
    static String algorithmOf(byte[] packet) {
        try {
            Object o = new BcPGPObjectFactory(packet).nextObject();
            if (o instanceof PGPSignatureList list && list.size() > 0) {
                return KeyPolicy.algorithmName(list.get(0).getKeyAlgorithm());
            }
        } catch (IOException | RuntimeException e) {
            // fall through: named as unreadable
        }
        return "unreadable (non-RSA)";
    }

    private static SignaturePacketCheck bad(String name, String detail) {
        return new SignaturePacketCheck(name, null, CheckResult.of(name, CheckStatus.BAD, detail));
    }

    private static SignaturePacketCheck fail(String name, CheckStatus status, String detail, PGPSignature s) {
        return new SignaturePacketCheck(name, null, result(name, status, detail, s));
    }

    private static CheckResult result(String name, CheckStatus status, String detail, PGPSignature s) {
        return new CheckResult(name, status, detail, KeyPolicy.keyIdHex(s.getKeyID()),
                KeyPolicy.algorithmName(s.getKeyAlgorithm()), KeyPolicy.hashName(s.getHashAlgorithm()),
                s.getCreationTime() == null ? null : s.getCreationTime().toInstant());
    }

    @Override
    public void update(byte[] b, int off, int len) {
        if (sig != null) {
            sig.update(b, off, len);
        }
    }

    CheckResult finish() {
        if (early != null) {
            return early;
        }
        try {
            return sig.verify() ? result(name, CheckStatus.OK, "", sig)
                    : result(name, CheckStatus.BAD, "signature does not match", sig);
        } catch (PGPException | RuntimeException e) {
            return result(name, CheckStatus.BAD, "signature does not verify (" + e.getClass().getSimpleName() + ")", sig);
        }
    }
}
