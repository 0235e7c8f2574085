package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.TaskListener;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code rpmPlan(tag: 'v1.14.1')} or {@code rpmPlan(pullRequest: true, archs: 'x86_64')}: what a release run does, as
 * rpm-core decides it, with no agent: {@code [tag:, version:, release:, pullRequest:, archs: ['x86_64', 'aarch64'],
 * compression: 'zstd:19', publish: true, stages: [[name: 'build', perArch: true], ...], layout: 'seed']}. A missing or
 * invalid tag, an unknown arch or layout, a bad {@code respin:} fails the build before any node is allocated. The
 * shared library runs what the plan lists.
 */
public final class RpmPlanStep extends TagStep {
    static final String FUNCTION = "rpmPlan";

    private String archs;
    private String layout;
    private String respin;

    @DataBoundConstructor
    public RpmPlanStep() {
    }

    public String getArchs() {
        return archs;
    }

    /** Comma- or space-separated arches (x86_64, aarch64; amd64 and arm64 accepted); empty: every release arch. */
    @DataBoundSetter
    public void setArchs(String archs) {
        this.archs = Util.fixEmptyAndTrim(archs);
    }

    public String getLayout() {
        return layout;
    }

    /** The published layout the run uses (seed, the default, or el9), checked by rpm-core and returned by name. */
    @DataBoundSetter
    public void setLayout(String layout) {
        this.layout = Util.fixEmptyAndTrim(layout);
    }

    public String getRespin() {
        return respin;
    }

    /**
     * RPM Release N of a respin of the tag, checked by rpm-core and refused for a pull request; not returned (the
     * steps that build, sign and validate take it). Empty: none (Release 1).
     */
    @DataBoundSetter
    public void setRespin(String respin) {
        this.respin = Util.fixEmptyAndTrim(respin);
    }

    List<String> archList() {
        return archs == null ? null : new ArrayList<>(Arrays.asList(archs.trim().split("[,\\s]+")));
    }

    /** The plan, or AbortException with rpm-core's reason; then the respin, when given, against the planned tag. */
    Map<String, Object> plan() throws AbortException {
        Map<String, Object> plan = core(() -> {
            Map<String, Object> p = RpmCore.plan(getTag(), isPullRequest(), archList());
            p.put("layout", RpmCorePublish.checkLayout(layout));
            return p;
        });
        if (respin != null && isPullRequest()) {
            throw new AbortException(Messages.RpmPlanStep_RespinInPullRequest(respin));
        }
        if (respin != null) {
            try {
                RpmCore.checkRelease(getTag(), respin);
            } catch (RpmException e) {
                throw new AbortException(Messages.RpmPlanStep_BadRespin(respin, e.getMessage()));
            }
        }
        return plan;
    }

    /** The plan, logged in one line (on the controller: it needs no node). */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws AbortException {
        Map<String, Object> plan = plan();
        List<Object> names = new ArrayList<>();
        for (Object stage : (List<?>) plan.get("stages")) {
            names.add(((Map<?, ?>) stage).get("name"));
        }
        listener.getLogger().println(Messages.RpmPlanStep_Plan(
                Boolean.TRUE.equals(plan.get("pullRequest")) ? "pull-request build" : String.valueOf(plan.get("tag")),
                plan.get("archs"), plan.get("compression"), names));
        return plan;
    }

    /** Describes {@code rpmPlan} to Pipeline and to the snippet generator; no tag is needed for a pull request. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends RpmDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmPlanStep_DisplayName, false, TaskListener.class);
        }
    }
}
