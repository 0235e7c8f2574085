package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rpmPlan(tag: 'v1.14.1')} or {@code rpmPlan(pullRequest: true, archs: 'x86_64')}: what a release run does, as
 * rpm-core decides it, with no agent: {@code [tag:, version:, release:, pullRequest:, archs: ['x86_64', 'aarch64'],
 * compression: 'zstd:19', publish: true, stages: [[name: 'build', perArch: true], ...], layout: 'seed']}. A missing or
 * invalid tag, an unknown arch or layout fails the build before any node is allocated. The shared library runs what
 * the plan lists.
 */
public final class RpmPlanStep extends Step {
    private String tag;
    private boolean pullRequest;
    private String archs;
    private String layout;

    @DataBoundConstructor
    public RpmPlanStep() {
    }

    public String getTag() {
        return tag;
    }

    @DataBoundSetter
    public void setTag(String tag) {
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public boolean isPullRequest() {
        return pullRequest;
    }

    @DataBoundSetter
    public void setPullRequest(boolean pullRequest) {
        this.pullRequest = pullRequest;
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

    List<String> archList() {
        return archs == null ? null : new ArrayList<>(Arrays.asList(archs.trim().split("[,\\s]+")));
    }

    /** The plan, or AbortException with rpm-core's reason. */
    Map<String, Object> plan() throws AbortException {
        try {
            Map<String, Object> plan = RpmCore.plan(tag, pullRequest, archList());
            plan.put("layout", RpmCorePublish.checkLayout(layout));
            return plan;
        } catch (RpmException e) {
            throw new AbortException("rpmPlan: " + e.getMessage());
        }
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    /** Describes {@code rpmPlan} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmPlan")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "rpmPlan";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmPlanStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class);
        }

        public FormValidation doCheckTag(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.ok() : Forms.checkTag(value);
        }

        public ListBoxModel doFillLayoutItems() {
            return Forms.layoutItems();
        }
    }

    /** Pure computation on the controller: fast, so it runs on the CPS thread. */
    static final class Execution extends SynchronousStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RpmPlanStep step;

        Execution(RpmPlanStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Map<String, Object> plan = step.plan();
            List<Object> names = new ArrayList<>();
            for (Object stage : (List<?>) plan.get("stages")) {
                names.add(((Map<?, ?>) stage).get("name"));
            }
            getContext().get(TaskListener.class).getLogger().println(Messages.RpmPlanStep_Plan(
                    Boolean.TRUE.equals(plan.get("pullRequest")) ? "pull-request build" : String.valueOf(plan.get("tag")),
                    plan.get("archs"), plan.get("compression"), names));
            return plan;
        }
    }
}
