package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.FormValidation;
import io.avalanche.rpm.RpmException;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code rpmPublish(bucket: 'avalanchego-rpms', prefix: '', force: false)}: uploads a release directory to
 * {@code s3://BUCKET[/prefix]/linux/rpms/...} with the AWS settings of the step's environment, as pipeline-aws's
 * {@code withAWS} sets them. Published releases are immutable unless {@code force} is set.
 */
public final class RpmPublishStep extends Step {
    private final String bucket;
    private String prefix = "";
    private boolean force;
    private String dir = RpmBuildStep.DEFAULT_OUT;

    @DataBoundConstructor
    public RpmPublishStep(String bucket) {
        this.bucket = Util.fixEmptyAndTrim(bucket);
    }

    public String getBucket() {
        return bucket;
    }

    public String getPrefix() {
        return prefix;
    }

    @DataBoundSetter
    public void setPrefix(String prefix) {
        this.prefix = Util.fixNull(prefix).trim();
    }

    public boolean isForce() {
        return force;
    }

    /** Replace published objects whose bytes differ (a published release is otherwise immutable). */
    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    public String getDir() {
        return dir;
    }

    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = Util.fixEmptyAndTrim(dir) == null ? RpmBuildStep.DEFAULT_OUT : dir.trim();
    }

    /** s3://BUCKET or s3://BUCKET/prefix, the destination rpm-core publishes under. */
    String destination() {
        String p = prefix.replaceAll("^/+|/+$", "");
        return "s3://" + bucket + (p.isEmpty() ? "" : "/" + p);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    /** Describes {@code rpmPublish} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmPublish")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "rpmPublish";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmPublishStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class, EnvVars.class);
        }

        public FormValidation doCheckBucket(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error(Messages.RpmPublishStep_BucketRequired())
                    : FormValidation.ok();
        }
    }

    /** Publishes from the agent, where the release directory is. */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RpmPublishStep step;

        Execution(RpmPublishStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepContext c = getContext();
            FilePath workspace = c.get(FilePath.class);
            TaskListener listener = c.get(TaskListener.class);
            EnvVars env = c.get(EnvVars.class);
            if (step.bucket == null) {
                throw new AbortException(Messages.RpmPublishStep_BucketRequired());
            }
            Map<String, String> aws = StepEnvironment.aws(env);
            listener.getLogger().println(Messages.RpmPublishStep_Publishing(step.dir, step.destination(),
                    String.join(", ", aws.keySet())));
            Map<String, Object> result = workspace.child(step.dir).act(
                    new Publish(step.destination(), new TreeMap<>(aws), step.force, listener));
            listener.getLogger().println(Messages.RpmPublishStep_Published(step.destination()));
            return result;
        }
    }

    /** Agent side: publishes the release directory with rpm-core. */
    static final class Publish extends MasterToSlaveFileCallable<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String destination;
        private final TreeMap<String, String> aws;
        private final boolean force;
        private final TaskListener listener;

        Publish(String destination, TreeMap<String, String> aws, boolean force, TaskListener listener) {
            this.destination = destination;
            this.aws = aws;
            this.force = force;
            this.listener = listener;
        }

        @Override
        public Map<String, Object> invoke(File dir, VirtualChannel channel) throws IOException {
            if (!dir.isDirectory()) {
                throw new AbortException(Messages.RpmPublishStep_NoDirectory(dir));
            }
            try {
                return RpmCore.publish(dir.toPath(), destination, aws, force, listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException("rpmPublish: " + e.getMessage());
            }
        }
    }
}
