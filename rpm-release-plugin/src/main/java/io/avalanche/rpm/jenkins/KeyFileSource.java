package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * {@code keyFile(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass')}: an ASCII-armored secret
 * key from a File credential and its optional passphrase from a Secret text credential.
 */
public final class KeyFileSource extends SigningKeySource {
    private final String credentialsId;
    private String passphraseCredentialsId;

    @DataBoundConstructor
    public KeyFileSource(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
        if (this.credentialsId == null) {
            throw new IllegalArgumentException(Messages.KeyFileSource_CredentialsRequired());
        }
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getPassphraseCredentialsId() {
        return passphraseCredentialsId;
    }

    /** Optional Secret text credential with the key's passphrase. */
    @DataBoundSetter
    public void setPassphraseCredentialsId(String passphraseCredentialsId) {
        this.passphraseCredentialsId = Util.fixEmptyAndTrim(passphraseCredentialsId);
    }

    /** rpm-core's key rules cannot judge a key held in a credential yet (KeyRequest takes a file path). */
    @Override
    RpmCoreKeys.Key unlock(Run<?, ?> run, String step, RpmCoreKeys.Use use) throws IOException {
        FileCredentials file = credential(run, credentialsId, FileCredentials.class,
                Messages.KeyFileSource_CredentialsNotFound(step, credentialsId));
        char[] passphrase = null;
        if (passphraseCredentialsId != null) {
            passphrase = credential(run, passphraseCredentialsId, StringCredentials.class,
                    Messages.KeyFileSource_PassphraseNotFound(step, passphraseCredentialsId))
                    .getSecret().getPlainText().toCharArray();
        }
        try (InputStream armored = file.getContent()) {
            return RpmCoreKeys.loadKey(armored, passphrase, "credential '" + credentialsId + "'");
        } catch (RpmException e) {
            throw new AbortException(step + ": " + e.getMessage());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /**
     * The public part of the key: the key is unlocked here on the controller (with the passphrase credential, as
     * rpmSign unlocks it) and only its public key is returned.
     */
    @Override
    byte[] publicKey(Run<?, ?> run, String step) throws IOException {
        try (RpmCoreKeys.Key key = unlock(run, step, RpmCoreKeys.Use.sign(false))) {
            return key.publicKey();
        }
    }

    @Override
    String pinLabel() {
        return "the public key of credential '" + credentialsId + "'";
    }

    @Override
    public String toString() {
        return "keyFile(" + credentialsId + ")";
    }

    /** Describes {@code keyFile(...)}: credentials dropdowns of the matching types. */
    @Extension
    @Symbol("keyFile")
    public static final class DescriptorImpl extends KeyDescriptor {
        public DescriptorImpl() {
            super(Messages::KeyFileSource_DisplayName);
        }

        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return Forms.credentials(item, credentialsId, FileCredentials.class);
        }

        public ListBoxModel doFillPassphraseCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String passphraseCredentialsId) {
            return Forms.credentials(item, passphraseCredentialsId, StringCredentials.class);
        }

        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return Forms.required(value, Messages.KeyFileSource_CredentialsRequired());
        }
    }
}
