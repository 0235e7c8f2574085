package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rpmBuild(preset: 'avalanchego', tag: 'v1.14.1', arch: 'x86_64')}: runs the preset's build commands through
 * the context Launcher (inside {@code docker.image(...).inside {}} they run in the container), then packages the
 * binaries into RPMs on the agent; returns the release summary (tag, commit, arch, files with size and SHA-256).
 */
public final class RpmBuildStep extends Step {
    static final String DEFAULT_PRESET = "avalanchego";
    static final String DEFAULT_OUT = "rpm-release-out";

    private final String tag;
    private String preset = DEFAULT_PRESET;
    private String arch;
    private String source;
    private String out = DEFAULT_OUT;
    private String compression;

    @DataBoundConstructor
    public RpmBuildStep(String tag) {
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public String getTag() {
        return tag;
    }

    public String getPreset() {
        return preset;
    }

    @DataBoundSetter
    public void setPreset(String preset) {
        this.preset = Util.fixEmptyAndTrim(preset) == null ? DEFAULT_PRESET : preset.trim();
    }

    public String getArch() {
        return arch;
    }

    /** x86_64 or aarch64; empty means the agent's own architecture. */
    @DataBoundSetter
    public void setArch(String arch) {
        this.arch = Util.fixEmptyAndTrim(arch);
    }

    public String getSource() {
        return source;
    }

    /** Source tree relative to the workspace; empty means the workspace itself. */
    @DataBoundSetter
    public void setSource(String source) {
        this.source = Util.fixEmptyAndTrim(source);
    }

    public String getOut() {
        return out;
    }

    @DataBoundSetter
    public void setOut(String out) {
        this.out = Util.fixEmptyAndTrim(out) == null ? DEFAULT_OUT : out.trim();
    }

    public String getCompression() {
        return compression;
    }

    /** zstd[:LEVEL], xz[:LEVEL], gzip[:LEVEL] or none; empty means rpm-core's default. */
    @DataBoundSetter
    public void setCompression(String compression) {
        this.compression = Util.fixEmptyAndTrim(compression);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    /** Describes {@code rpmBuild} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmBuild")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "rpmBuild";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmBuildStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        public FormValidation doCheckTag(@QueryParameter String value) {
            return Forms.checkTag(value);
        }

        public FormValidation doCheckPreset(@QueryParameter String value) {
            String p = Util.fixEmptyAndTrim(value);
            return p == null || DEFAULT_PRESET.equals(p) ? FormValidation.ok()
                    : FormValidation.error(Messages.RpmBuildStep_UnknownPreset(p, DEFAULT_PRESET));
        }

        public ListBoxModel doFillArchItems() {
            return Forms.archItems();
        }
    }

    /** Plans on the agent, runs the commands through the Launcher, packages on the agent. */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RpmBuildStep step;

        Execution(RpmBuildStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepContext c = getContext();
            FilePath workspace = c.get(FilePath.class);
            Launcher launcher = c.get(Launcher.class);
            TaskListener listener = c.get(TaskListener.class);
            EnvVars env = c.get(EnvVars.class);
            if (!DEFAULT_PRESET.equals(step.preset)) {
                throw new AbortException(Messages.RpmBuildStep_UnknownPreset(step.preset, DEFAULT_PRESET));
            }
            try {
                RpmCore.checkTag(step.tag);
            } catch (RpmException e) {
                throw new AbortException("rpmBuild: " + e.getMessage());
            }
            FilePath source = step.source == null ? workspace : workspace.child(step.source);
            FilePath out = workspace.child(step.out);
            String arch = step.arch != null ? step.arch : source.act(new HostArch());

            RpmCore.BuildPlan plan = source.act(new Plan());
            EnvVars buildEnv = new EnvVars(env);
            buildEnv.overrideAll(plan.environment());
            for (List<String> command : plan.commands()) {
                int status = launcher.launch().cmds(command).pwd(source).envs(buildEnv).stdout(listener).join();
                if (status != 0) {
                    throw new AbortException(Messages.RpmBuildStep_CommandFailed(String.join(" ", command), status));
                }
            }
            Map<String, Object> release = source.act(
                    new Package(step.tag, arch, out.getRemote(), step.compression, plan, listener));
            listener.getLogger().println(Messages.RpmBuildStep_Built(release.get("tag"), release.get("arch"),
                    release.get("commit"), out.getRemote()));
            return release;
        }
    }

    /** Agent side: the RPM arch of the agent's machine. */
    static final class HostArch extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String invoke(File f, VirtualChannel channel) throws IOException {
            try {
                return RpmCore.hostArch();
            } catch (RpmException e) {
                throw new AbortException("rpmBuild: " + e.getMessage() + " (pass arch: 'x86_64' or 'aarch64')");
            }
        }
    }

    /** Agent side: checks the source tree and returns the commands, environment and commit. */
    static final class Plan extends MasterToSlaveFileCallable<RpmCore.BuildPlan> {
        private static final long serialVersionUID = 1L;

        @Override
        public RpmCore.BuildPlan invoke(File source, VirtualChannel channel) throws IOException {
            try {
                return RpmCore.planBuild(source.toPath());
            } catch (RpmException e) {
                throw new AbortException("rpmBuild: " + e.getMessage());
            }
        }
    }

    /** Agent side: packages the built binaries into RPMs and release.json. */
    static final class Package extends MasterToSlaveFileCallable<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String tag;
        private final String arch;
        private final String out;
        private final String compression;
        private final RpmCore.BuildPlan plan;
        private final TaskListener listener;

        Package(String tag, String arch, String out, String compression, RpmCore.BuildPlan plan, TaskListener listener) {
            this.tag = tag;
            this.arch = arch;
            this.out = out;
            this.compression = compression;
            this.plan = plan;
            this.listener = listener;
        }

        @Override
        public Map<String, Object> invoke(File source, VirtualChannel channel) throws IOException {
            try {
                return RpmCore.packageRelease(source.toPath(), tag, arch, new File(out).toPath(), compression, plan,
                        listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException("rpmBuild: " + e.getMessage());
            }
        }
    }
}
