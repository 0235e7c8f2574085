package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code ephemeral()}: a fresh in-memory RSA-4096 key that expires after one day, for pull-request smoke builds and
 * local trials. Release builds ({@code release: true}) refuse it.
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
    RpmCore.Key unlock(Run<?, ?> run, String step) {
        return RpmCore.ephemeralKey();
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
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.EphemeralSource_DisplayName();
        }
    }
}
