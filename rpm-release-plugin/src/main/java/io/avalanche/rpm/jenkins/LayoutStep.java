package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Util;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A keyed step that writes a published tree (rpmPublish, the lifecycle steps): where the repositories are in it, by
 * rpm-core's layout names (its Layout decides the paths). rpmValidate, which reads one, takes the same layout: names.
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
}
