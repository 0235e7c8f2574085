package io.avalanche.rpm.jenkins;

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
 * {@code rpmPrune(to: 's3://avalanchego-rpms', keep: 5, channels: 'testing', apply: true, key: keyFile(...))}: keeps
 * the {@code keep} newest releases of each channel and arch and deletes the older ones, as rpm-core's Lifecycle.prune
 * decides (the newest stable release always stays; metadata is rewritten and signed before any package is deleted).
 * Without {@code apply: true} it only plans. Returns rpm-core's PruneResult.toMap(), the vocabulary of
 * {@code prune --json}.
 */
public final class RpmPruneStep extends LifecycleStep {
    static final String FUNCTION = "rpmPrune";

    private final Integer keep;
    private String channels;
    private boolean apply;

    @DataBoundConstructor
    public RpmPruneStep(String to, Integer keep) {
        super(to);
        this.keep = keep;
    }

    public Integer getKeep() {
        return keep;
    }

    public String getChannels() {
        return channels;
    }

    /** Comma- or space-separated channels to prune (stable, testing, fuji, experimental); empty: every channel. */
    @DataBoundSetter
    public void setChannels(String channels) {
        this.channels = Util.fixEmptyAndTrim(channels);
    }

    public boolean isApply() {
        return apply;
    }

    /** Apply the plan (rewrite metadata, delete packages); without it the step only prints and returns the plan. */
    @DataBoundSetter
    public void setApply(boolean apply) {
        this.apply = apply;
    }

    @Override
    boolean applies() {
        return apply;
    }

    @Override
    void checkFields() throws AbortException {
        if (keep == null) {
            throw new AbortException(Messages.RpmPruneStep_KeepRequired());
        }
        checkCore(() -> RpmCorePublish.checkChannels(list(channels)));
    }

    @Override
    RpmCorePublish.Outcome operate(RpmCorePublish.Target target, Consumer<String> log) {
        return RpmCorePublish.prune(target, keep, list(channels), log);
    }

    @Override
    String headline(String destination) {
        return apply ? Messages.RpmPruneStep_Applying(destination, keep)
                : Messages.RpmPruneStep_Planning(destination, keep);
    }

    /** Describes {@code rpmPrune} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends LifecycleDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmPruneStep_DisplayName);
        }

        public FormValidation doCheckChannels(@QueryParameter String value) {
            return Forms.check(() -> RpmCorePublish.checkChannels(list(value)));
        }
    }
}
