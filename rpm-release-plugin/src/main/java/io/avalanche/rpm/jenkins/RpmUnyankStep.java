package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.util.function.Consumer;

/**
 * {@code rpmUnyank(to: 's3://avalanchego-rpms', tag: 'v1.14.1', key: keyFile(...))}: brings the yanked packages of
 * the tag ({@code release: '1'}: of that RPM Release only) back into the metadata of their channel and removes their
 * entries from the yank record (rpm-core's Lifecycle.unyank). {@code dryRun: true} only plans. Returns rpm-core's
 * YankResult.toMap(), the vocabulary of {@code unyank --json}.
 */
public final class RpmUnyankStep extends LifecycleStep {
    static final String FUNCTION = "rpmUnyank";

    private final String tag;
    private String release;
    private boolean dryRun;

    @DataBoundConstructor
    public RpmUnyankStep(String to, String tag) {
        super(to);
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public String getTag() {
        return tag;
    }

    public String getRelease() {
        return release;
    }

    /** Only RPM Release N of the tag; empty: every yanked release of the tag. */
    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /** Only plan: print and return what would return to which metadata, change nothing. */
    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    @Override
    String function() {
        return FUNCTION;
    }

    @Override
    boolean applies() {
        return !dryRun;
    }

    @Override
    void checkFields() throws AbortException {
        RpmYankStep.checkTag(FUNCTION, tag, release);
    }

    @Override
    RpmCorePublish.Outcome run(RpmCorePublish.Target target, Consumer<String> log) {
        return RpmCorePublish.unyank(target, tag, release, log);
    }

    @Override
    String headline(String destination) {
        return Messages.LifecycleStep_Headline(FUNCTION, tag, destination, dryRun ? Messages.LifecycleStep_Plan() : "");
    }

    /** Describes {@code rpmUnyank} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmUnyank")
    public static final class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return FUNCTION;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmUnyankStep_DisplayName();
        }

        public FormValidation doCheckTag(@QueryParameter String value) {
            return Forms.checkTag(value);
        }
    }
}
