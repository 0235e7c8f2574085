package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Util;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What rpmYank and rpmUnyank share: the tag ({@code release: 'N'}: only that RPM Release of it) whose packages leave
 * or return to the metadata of their channel, and {@code dryRun: true}, which only plans.
 */
public abstract class TagLifecycleStep extends LifecycleStep {
    private final String tag;
    private String release;
    private boolean dryRun;

    protected TagLifecycleStep(String to, String tag) {
        super(to);
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public String getTag() {
        return tag;
    }

    public String getRelease() {
        return release;
    }

    /** Only RPM Release N of the tag; empty: every release of the tag. */
    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /** Only plan: print and return what would change in which metadata, change nothing. */
    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    @Override
    boolean applies() {
        return !dryRun;
    }

    /** The tag (required) and release as rpm-core reads them. */
    @Override
    void checkFields() throws AbortException {
        if (tag == null) {
            throw new AbortException(Messages.LifecycleStep_TagRequired(function()));
        }
        checkCore(() -> RpmCore.checkRelease(tag, release));
    }

    @Override
    String headline(String destination) {
        return Messages.LifecycleStep_Headline(function(), tag, destination, dryRun ? Messages.LifecycleStep_Plan() : "");
    }
}
