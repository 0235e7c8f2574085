package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.Run;
import hudson.model.TaskListener;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The key the steps sign with (rpmSign, rpmPublish, rpmPrune, rpmYank, rpmUnyank) or pin (rpmValidate), as one typed
 * value ({@code key: keyFile(...)}, {@code pkcs11(...)} or {@code ephemeral()}), as credentials-binding models its
 * bindings: each kind is a Describable with its own required fields, so a mix of two kinds cannot be configured. The
 * key is unlocked on the controller only. What a key may be used for is rpm-core's decision (KeyChoice): an ephemeral
 * key is judged there; a key held in credentials cannot be yet (rpm-core's KeyRequest names key files by path).
 */
public abstract class SigningKeySource extends AbstractDescribableImpl<SigningKeySource> {

    /** True only for ephemeral(), a throw-away key (pull-request builds, local trials); release builds refuse it. */
    public boolean isEphemeral() {
        return false;
    }

    /**
     * Unlocks the key on the controller for {@code use}; {@code step} (e.g. "rpmSign") prefixes every message. Tracks
     * the credentials used by the run; never logs or returns key material, passphrases or PINs. Close the key when done.
     */
    abstract RpmCoreKeys.Key unlock(Run<?, ?> run, String step, RpmCoreKeys.Use use) throws IOException;

    /**
     * Refuses what can be told before any work: what rpm-core's key rules refuse for {@code use}, a PKCS#11 module
     * the administrator did not allow.
     */
    void check(String step, RpmCoreKeys.Use use) throws AbortException {
    }

    /**
     * The armored public key(s) of this key, read on the controller, for validation to pin (rpmValidate's expected
     * key); {@link #pinLabel} names them in reports. Nothing secret is returned.
     */
    abstract byte[] publicKey(Run<?, ?> run, String step) throws IOException;

    /** How reports name the pinned key: "the key in credential 'rpm-gpg-key'", ... */
    abstract String pinLabel();

    /**
     * The credential {@code id} of {@code type} visible to the run, tracked as used by it; else AbortException with
     * {@code missing} (the message naming step, ID and what the credential is for).
     */
    static <C extends IdCredentials> C credential(Run<?, ?> run, String id, Class<C> type, String missing)
            throws AbortException {
        C c = CredentialsProvider.findCredentialById(id, type, run, List.of());
        if (c == null) {
            throw new AbortException(missing);
        }
        return CredentialsProvider.track(run, c);
    }

    /** An rpm-core refusal of a key (its key rules) as the step's error, with the pipeline's names for the options. */
    static AbortException refused(String step, RuntimeException e) {
        return new AbortException(Messages.SigningKeySource_Refused(step, e.getMessage()));
    }

    /**
     * Refuses a key that is not ephemeral in a pull-request build: the run's own environment, as the controller
     * computes it (branch-api sets CHANGE_ID for change requests; a script's withEnv cannot unset it here).
     */
    static void refuseInChangeRequest(Run<?, ?> run, TaskListener listener, String step)
            throws IOException, InterruptedException {
        String changeId = run.getEnvironment(listener).get("CHANGE_ID");
        if (changeId != null && !changeId.isBlank()) {
            throw new AbortException(Messages.SigningKeySource_ChangeRequest(step, changeId));
        }
    }

    /** Lists the kinds of keys in the step forms, each by its display name. */
    public abstract static class KeyDescriptor extends Descriptor<SigningKeySource> {
        private final Supplier<String> displayName;

        KeyDescriptor(Supplier<String> displayName) {
            this.displayName = displayName;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return displayName.get();
        }
    }
}
