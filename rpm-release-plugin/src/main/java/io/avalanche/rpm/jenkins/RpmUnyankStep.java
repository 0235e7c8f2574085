package io.avalanche.rpm.jenkins;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

import java.util.function.Consumer;

/**
 * {@code rpmUnyank(to: 's3://avalanchego-rpms', tag: 'v1.14.1', key: keyFile(...))}: brings the yanked packages of
 * the tag ({@code release: '1'}: of that RPM Release only) back into the metadata of their channel and removes their
 * entries from the yank record (rpm-core's Lifecycle.unyank). {@code dryRun: true} only plans. Returns rpm-core's
 * YankResult.toMap(), the vocabulary of {@code unyank --json}.
 */
public final class RpmUnyankStep extends TagLifecycleStep {
    static final String FUNCTION = "rpmUnyank";

    @DataBoundConstructor
    public RpmUnyankStep(String to, String tag) {
        super(to, tag);
    }

    @Override
    RpmCorePublish.Outcome operate(RpmCorePublish.Target target, Consumer<String> log) {
        return RpmCorePublish.unyank(target, getTag(), getRelease(), log);
    }

    /** Describes {@code rpmUnyank} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends LifecycleDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmUnyankStep_DisplayName);
        }
    }
}
