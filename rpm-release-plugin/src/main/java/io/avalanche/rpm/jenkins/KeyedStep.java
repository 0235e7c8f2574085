package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.kohsuke.stapler.DataBoundSetter;

import java.io.IOException;

/**
 * A step that takes the key configuration ({@code key: keyFile(...)}, {@code pkcs11(...)} or {@code ephemeral()}):
 * rpmSign, rpmPublish, rpmValidate and the lifecycle steps. The key is checked before any work and unlocked on the
 * controller only; a key that is not ephemeral is refused in a pull-request build.
 */
public abstract class KeyedStep extends RpmStep {
    private SigningKeySource key;

    public SigningKeySource getKey() {
        return key;
    }

    /** The key (what it signs or pins is the step's help-key). */
    @DataBoundSetter
    public void setKey(SigningKeySource key) {
        this.key = key;
    }

    /** What rpm-core's key rules and the controller refuse for {@code use} before any work; no key: nothing. */
    void checkKey(RpmCoreKeys.Use use) throws AbortException {
        if (key != null) {
            key.check(function(), use);
        }
    }

    /** Refuses a key that is not ephemeral when the run is a pull-request build. */
    void refuseInChangeRequest(Run<?, ?> run, TaskListener listener) throws IOException, InterruptedException {
        if (!key.isEphemeral()) {
            SigningKeySource.refuseInChangeRequest(run, listener, function());
        }
    }

    /** The key unlocked on the controller for {@code use}, after the pull-request refusal; close it when done. */
    RpmCoreKeys.Key unlock(Run<?, ?> run, TaskListener listener, RpmCoreKeys.Use use)
            throws IOException, InterruptedException {
        refuseInChangeRequest(run, listener);
        return key.unlock(run, function(), use);
    }
}
