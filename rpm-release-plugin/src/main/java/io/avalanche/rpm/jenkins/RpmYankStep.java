package io.avalanche.rpm.jenkins;

import hudson.Extension;
import hudson.Util;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.function.Consumer;

/**
 * {@code rpmYank(to: 's3://avalanchego-rpms', tag: 'v1.14.1', reason: 'corrupts the database, use v1.14.2',
 * key: keyFile(...))}: takes every package of the tag ({@code release: '1'}: of that RPM Release only) out of the
 * metadata of every channel, so dnf stops offering it, after publishing the reason in the tag's yank record (rpm-core's
 * Lifecycle.yank); the objects stay and rpmUnyank restores them. {@code dryRun: true} only plans. Returns rpm-core's
 * YankResult.toMap(), the vocabulary of {@code yank --json}.
 */
public final class RpmYankStep extends TagLifecycleStep {
    static final String FUNCTION = "rpmYank";

    private String reason;

    @DataBoundConstructor
    public RpmYankStep(String to, String tag) {
        super(to, tag);
    }

    public String getReason() {
        return reason;
    }

    /** Why, in one line: published in the tag's yank record for customers and auditors (required). */
    @DataBoundSetter
    public void setReason(String reason) {
        this.reason = Util.fixEmptyAndTrim(reason);
    }

    @Override
    RpmCorePublish.Outcome operate(RpmCorePublish.Target target, Consumer<String> log) {
        return RpmCorePublish.yank(target, getTag(), getRelease(), reason, log);
    }

    /** Describes {@code rpmYank} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends LifecycleDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmYankStep_DisplayName);
        }
    }
}
