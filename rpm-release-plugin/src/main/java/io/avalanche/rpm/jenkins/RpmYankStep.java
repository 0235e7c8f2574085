package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.util.FormValidation;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.util.function.Consumer;

/**
 * {@code rpmYank(to: 's3://avalanchego-rpms', tag: 'v1.14.1', reason: 'corrupts the database, use v1.14.2',
 * key: keyFile(...))}: takes every package of the tag ({@code release: '1'}: of that RPM Release only) out of the
 * metadata of every channel, so dnf stops offering it, after publishing the reason in the tag's yank record (rpm-core's
 * Lifecycle.yank); the objects stay and rpmUnyank restores them. {@code dryRun: true} only plans. Returns rpm-core's
 * YankResult.toMap(), the vocabulary of {@code yank --json}.
 */
public final class RpmYankStep extends LifecycleStep {
    static final String FUNCTION = "rpmYank";

    private final String tag;
    private String reason;
    private String release;
    private boolean dryRun;

    @DataBoundConstructor
    public RpmYankStep(String to, String tag) {
        super(to);
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public String getTag() {
        return tag;
    }

    public String getReason() {
        return reason;
    }

    /** Why, in one line: published in the tag's yank record for customers and auditors (required). */
    @DataBoundSetter
    public void setReason(String reason) {
        this.reason = Util.fixEmptyAndTrim(reason);
    }

    public String getRelease() {
        return release;
    }

    /** Only RPM Release N of the tag (e.g. 1 after a respin as 2); empty: every release of the tag. */
    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /** Only plan: print and return what would leave which metadata, change nothing. */
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
        checkTag(FUNCTION, tag, release);
    }

    /** The tag (required) and release as rpm-core reads them. */
    static void checkTag(String function, String tag, String release) throws AbortException {
        if (tag == null) {
            throw new AbortException(Messages.LifecycleStep_TagRequired(function));
        }
        try {
            RpmCore.checkRelease(tag, release);
        } catch (RpmException e) {
            throw new AbortException(function + ": " + e.getMessage());
        }
    }

    @Override
    RpmCorePublish.Outcome run(RpmCorePublish.Target target, Consumer<String> log) {
        return RpmCorePublish.yank(target, tag, release, reason, log);
    }

    @Override
    String headline(String destination) {
        return Messages.LifecycleStep_Headline(FUNCTION, tag, destination, dryRun ? Messages.LifecycleStep_Plan() : "");
    }

    /** Describes {@code rpmYank} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmYank")
    public static final class DescriptorImpl extends LifecycleDescriptor {
        @Override
        public String getFunctionName() {
            return FUNCTION;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmYankStep_DisplayName();
        }

        public FormValidation doCheckTag(@QueryParameter String value) {
            return Forms.checkTag(value);
        }
    }
}
