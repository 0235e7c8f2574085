package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.kohsuke.stapler.DataBoundSetter;

import java.io.IOException;

/**
 * A keyed step that writes a published tree at a destination (rpmPublish, the lifecycle steps): where the repositories
 * are in it, by rpm-core's layout names (its Layout decides the paths), and the checks before any work: destination,
 * layout, the step's own fields, then the key for that destination. rpmValidate, which reads one, takes the same
 * layout: names.
 */
public abstract class LayoutStep extends KeyedStep {
    private String layout;

    public String getLayout() {
        return layout;
    }

    /** seed (the default) or el9; rpm-core's names. */
    @DataBoundSetter
    public void setLayout(String layout) {
        this.layout = Util.fixEmptyAndTrim(layout);
    }

    /** Refuses a layout rpm-core does not know, before any work. */
    void checkLayout() throws AbortException {
        checkCore(() -> RpmCorePublish.checkLayout(layout));
    }

    /** rpm-core's canonical destination of the step (s3://... or file:...); refuses a bad one before any work. */
    abstract String destination() throws AbortException;

    /** Checks the step's own fields before any work; AbortException naming the field. None by default. */
    void checkFields() throws AbortException {
    }

    /** The destination, the layout, the step's own fields, then the key for the destination, before any work. */
    @Override
    final void check() throws AbortException {
        String destination = destination();
        checkLayout();
        checkFields();
        checkKey(RpmCoreKeys.Use.publish(destination));   // an ephemeral key never signs for s3://
    }

    /** The key unlocked for {@code destination} (close it when done); without a key: null, logging {@code unsigned}. */
    RpmCoreKeys.Key unlockFor(Run<?, ?> run, TaskListener listener, String destination, String unsigned)
            throws IOException, InterruptedException {
        if (getKey() == null) {
            listener.getLogger().println(unsigned);
            return null;
        }
        return unlock(run, listener, RpmCoreKeys.Use.publish(destination));
    }
}
