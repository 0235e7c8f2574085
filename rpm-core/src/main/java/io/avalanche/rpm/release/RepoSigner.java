package io.avalanche.rpm.release;

import io.avalanche.rpm.publish.DetachedSigner;
import io.avalanche.rpm.sign.HeaderSigner;
import org.bouncycastle.bcpg.ArmoredOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Signs repodata/repomd.xml with the release key: the header signer's binary-document packet, armored. */
public final class RepoSigner {
    private RepoSigner() {
    }

    /** A detached signer over the given header signer (same key, same hash). */
    public static DetachedSigner of(HeaderSigner signer) {
        return data -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                armor.write(signer.sign(data));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot armor the repository signature: " + e.getMessage(), e);
            }
            return out.toByteArray();
        };
    }
}
