package io.avalanche.rpm.jenkins;

import hudson.Util;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What rpmPlan and rpmBuild share: the release tag of the run, or a pull-request smoke build, whose tag rpm-core
 * takes from the checked-out commit ({@code v0.0.0-pr.<12 hex digits>}).
 */
public abstract class TagStep extends RpmStep {
    private String tag;
    private boolean pullRequest;

    public String getTag() {
        return tag;
    }

    /** The release tag, vMAJOR.MINOR.PATCH[-PRERELEASE]; not with pullRequest. */
    @DataBoundSetter
    public void setTag(String tag) {
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public boolean isPullRequest() {
        return pullRequest;
    }

    /** A pull-request smoke build: the tag is v0.0.0-pr.&lt;12 hex digits of the checked-out commit&gt;. */
    @DataBoundSetter
    public void setPullRequest(boolean pullRequest) {
        this.pullRequest = pullRequest;
    }
}
