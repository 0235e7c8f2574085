package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code ephemeral()}: a fresh in-memory RSA-4096 key that expires after one day, for pull-request smoke builds and
 * local trials. Whether it may be used is rpm-core's decision (KeyChoice): a release signing ({@code release: true})
 * and an s3:// destination refuse it.
 */
public final class EphemeralSource extends SigningKeySource {

    @DataBoundConstructor
    public EphemeralSource() {
    }

    @Override
    public boolean isEphemeral() {
        return true;
    }

    @Override
    void check(String step, RpmCoreKeys.Use use) throws AbortException {
        try {
            RpmCoreKeys.chooseEphemeral(use);
        } catch (RpmException e) {
            throw refused(step, e);
        }
    }

    @Override
    RpmCoreKeys.Key unlock(Run<?, ?> run, String step, RpmCoreKeys.Use use) throws AbortException {
        try {
            return RpmCoreKeys.ephemeralKey(use);
        } catch (RpmException e) {
            throw refused(step, e);
        }
    }

    /** An ephemeral key exists only inside the step that made it: there is nothing to pin. */
    @Override
    byte[] publicKey(Run<?, ?> run, String step) throws AbortException {
        throw new AbortException(Messages.EphemeralSource_NothingToPin(step));
    }

    @Override
    String pinLabel() {
        return toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EphemeralSource;
    }

    @Override
    public int hashCode() {
        return EphemeralSource.class.hashCode();
    }

    @Override
    public String toString() {
        return "ephemeral()";
    }

    /** Describes {@code ephemeral()}. */
    @Extension
    @Symbol("ephemeral")
    public static final class DescriptorImpl extends KeyDescriptor {
        public DescriptorImpl() {
            super(Messages::EphemeralSource_DisplayName);
        }
    }
}
