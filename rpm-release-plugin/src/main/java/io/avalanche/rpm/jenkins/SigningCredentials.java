package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.model.Run;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * The signing key of rpmSign and rpmPublish, unlocked on the controller only: from a File credential (armored secret
 * key) and an optional Secret text credential (passphrase), both tracked as used by the run, or ephemeral.
 */
final class SigningCredentials {
    private SigningCredentials() {
    }

    /** True when the step names a key (credentials or ephemeral). */
    static boolean configured(String credentialsId, String passphraseCredentialsId, boolean ephemeral) {
        return ephemeral || credentialsId != null || passphraseCredentialsId != null;
    }

    /** The parameter checks of {@link #load}, cheap enough to run before any file work. */
    static void check(String step, String credentialsId, String passphraseCredentialsId, boolean ephemeral)
            throws AbortException {
        if (ephemeral && (credentialsId != null || passphraseCredentialsId != null)) {
            throw new AbortException(Messages.SigningCredentials_EphemeralWithCredentials(step));
        }
        if (!ephemeral && credentialsId == null) {
            throw new AbortException(Messages.SigningCredentials_NoKey(step));
        }
    }

    /**
     * The key a step names; {@code step} (e.g. "rpmSign") prefixes every message. Never logs or returns the key
     * material or the passphrase in a message.
     */
    static RpmCore.Key load(Run<?, ?> run, String step, String credentialsId, String passphraseCredentialsId,
                            boolean ephemeral) throws IOException {
        check(step, credentialsId, passphraseCredentialsId, ephemeral);
        if (ephemeral) {
            return RpmCore.ephemeralKey();
        }
        FileCredentials file = CredentialsProvider.findCredentialById(credentialsId, FileCredentials.class, run,
                List.of());
        if (file == null) {
            throw new AbortException(Messages.SigningCredentials_CredentialsNotFound(step, credentialsId));
        }
        CredentialsProvider.track(run, file);
        char[] passphrase = null;
        if (passphraseCredentialsId != null) {
            StringCredentials secret = CredentialsProvider.findCredentialById(passphraseCredentialsId,
                    StringCredentials.class, run, List.of());
            if (secret == null) {
                throw new AbortException(Messages.SigningCredentials_PassphraseNotFound(step, passphraseCredentialsId));
            }
            CredentialsProvider.track(run, secret);
            passphrase = secret.getSecret().getPlainText().toCharArray();
        }
        try (InputStream armored = file.getContent()) {
            return RpmCore.loadKey(armored, passphrase, "credential '" + credentialsId + "'");
        } catch (RpmException e) {
            throw new AbortException(step + ": " + e.getMessage());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }
}
