package io.avalanche.rpm.jenkins;

import hudson.Util;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A keyed step about the packages of one tag and arch (rpmSign, rpmValidate): the tag and arch as the pipeline gave
 * them, never as an agent reports them. Each step's check says when they are required.
 */
public abstract class TagArchStep extends KeyedStep {
    private String tag;
    private String arch;

    public String getTag() {
        return tag;
    }

    /** The release tag whose packages the step signs or checks, vMAJOR.MINOR.PATCH[-PRERELEASE]. */
    @DataBoundSetter
    public void setTag(String tag) {
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public String getArch() {
        return arch;
    }

    /** The arch of those packages, x86_64 or aarch64. */
    @DataBoundSetter
    public void setArch(String arch) {
        this.arch = Util.fixEmptyAndTrim(arch);
    }
}
