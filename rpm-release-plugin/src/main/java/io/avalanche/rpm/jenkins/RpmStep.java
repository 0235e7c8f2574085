package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.QueryParameter;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every rpm-release step shares: its Pipeline function name, which prefixes its messages, the refusals made
 * before any work, its body run by {@link StepRun}, and the one way an rpm-core refusal becomes the step's error. Its
 * {@link RpmDescriptor} holds the form checks of the fields several steps take (tag, arch, layout).
 */
public abstract class RpmStep extends Step {

    /** The step's Pipeline function (rpmSign, ...) as its descriptor declares it, the first word of its messages. */
    final String function() {
        return getDescriptor().getFunctionName();
    }

    /** Refusals before any work (no agent, no key); AbortException naming the field. None by default. */
    void check() throws AbortException {
    }

    /** The step's work, given its execution (the context), the workspace (null without a node) and the log. */
    abstract Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception;

    @Override
    public StepExecution start(StepContext context) throws Exception {
        check();
        return new StepRun(this, context);
    }

    /** An rpm-core call whose refusal (RpmException) is the step's error, "function: reason". */
    @FunctionalInterface
    interface CoreCall<T> {
        T call();
    }

    /** Runs {@code call}; an rpm-core refusal becomes AbortException "function: reason". */
    static <T> T core(String function, CoreCall<T> call) throws AbortException {
        try {
            return call.call();
        } catch (RpmException e) {
            throw new AbortException(function + ": " + e.getMessage());
        }
    }

    /** As {@link #core(String, CoreCall)} for this step. */
    <T> T core(CoreCall<T> call) throws AbortException {
        return core(function(), call);
    }

    /** As {@link #core(String, CoreCall)} for a check that returns nothing. */
    void checkCore(Runnable check) throws AbortException {
        core(function(), () -> {
            check.run();
            return null;
        });
    }

    /**
     * Describes an rpm-release step: its function name, display name and the context it needs (a workspace for the
     * steps that run on an agent), and the form checks of the fields steps share; a step without the field never asks.
     */
    public abstract static class RpmDescriptor extends StepDescriptor {
        private final String function;
        private final Supplier<String> displayName;
        private final Set<Class<?>> context;
        private final boolean tagRequired;

        RpmDescriptor(String function, Supplier<String> displayName, boolean tagRequired, Class<?>... context) {
            this.function = function;
            this.displayName = displayName;
            this.tagRequired = tagRequired;
            this.context = Set.of(context);
        }

        @Override
        public String getFunctionName() {
            return function;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return displayName.get();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return context;
        }

        /** The tag as rpm-core reads it; empty is an error where the step requires a tag. */
        public FormValidation doCheckTag(@QueryParameter String value) {
            return !tagRequired && Util.fixEmptyAndTrim(value) == null ? FormValidation.ok() : Forms.checkTag(value);
        }

        public ListBoxModel doFillArchItems() {
            return Forms.archItems();
        }

        public ListBoxModel doFillLayoutItems() {
            return Forms.layoutItems();
        }
    }
}
